using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// Mini-batch training of K ≥ 1 members by one <see cref="ITrainingEngine"/> on their task's loss (mean
/// cross-entropy for classification, mean squared error for regression); a single trial is a loop of one member.
/// The loop owns everything around the update, once for every engine: the epochs and their batch sizes, each
/// member's batch order (one permutation per epoch from a generator seeded by the member's seed and the epoch,
/// <see cref="EpochSeed"/>, independent of the global random stream, so instruments that draw random numbers never
/// change it; member k of a pack sees the batches its trial sees alone), the gathering of every member's batch,
/// each member's learning rate per update, divergence, and each member's <see cref="TrainingState"/> for instruments.
/// The last incomplete batch of an epoch is dropped so that every step sees exactly the epoch's batch size.
/// <para>
/// <see cref="TrainingOptions"/> adds the variants: a learning rate per update (per member: <see cref="LoopMember"/>),
/// a batch size per epoch, the explicit gradient-norm penalty L + λ‖∇L‖² (the autograd engine's double backward),
/// and regime adaptation (a fixed number of updates, lr × √(B / B₀)).
/// Label noise lives in the data (<see cref="Data.LabelNoise"/>): pass the noisy data set here.
/// </para>
/// </summary>
public sealed class ClassificationLoop : IDisposable
{
    private readonly ITrainingEngine _engine;
    private readonly LoopMember[] _members;
    private readonly Data.ClassificationData _data;
    private readonly TrainingOptions _options;
    private readonly List<EpochPlan> _plan;
    private readonly HashSet<long> _epochEnds;
    private readonly TrainingState[] _states;
    private readonly double[] _learningRates;
    private readonly DivergenceMonitor _divergence;
    private readonly Tensor? _memberLabels;
    private readonly Action<int> _raiseBeforeUpdate;
    private readonly List<Tensor> _stepTensors = [];
    private readonly Func<TrainingState, bool>?[] _observes;
    private readonly Func<TrainingState, bool>?[] _measures;
    private readonly bool[] _observed;
    private Tensor? _order;
    private int _epoch = -1;
    private int _stepInEpoch;

    private readonly record struct EpochPlan(int BatchSize, int Steps, long EndStep);

    /// <summary>One member trained by autograd with its own optimizer (whose learning rate is the declared one).</summary>
    public ClassificationLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Data.ClassificationData data, int batchSize, int epochs, long seed)
        : this(model, optimizer, data, batchSize, epochs, seed, TrainingOptions.Default)
    {
    }

    /// <summary>One member trained by autograd with its own optimizer (whose learning rate is the declared one; <paramref name="options"/>' schedule overrides it).</summary>
    public ClassificationLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Data.ClassificationData data, int batchSize, int epochs, long seed, TrainingOptions options)
        : this(new AutogradEngine([model], [optimizer], data.IsRegression, options.GradientPenalty),
               [new LoopMember(seed, data, optimizer.ParamGroups.First().LearningRate, options.LearningRate)], batchSize, epochs, options)
    {
    }

    /// <summary>
    /// Trains the engine's members, member k with <paramref name="members"/>[k]'s seed, data and learning rate. The members'
    /// data share their inputs (the first member's); their labels may differ. <see cref="TrainingOptions.LearningRate"/> is
    /// ignored here: each member's schedule is its own.
    /// </summary>
    public ClassificationLoop(ITrainingEngine engine, IReadOnlyList<LoopMember> members, int batchSize, int epochs, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(options);
        if (members.Count != engine.Members) throw new ArgumentException($"{members.Count} members for an engine of {engine.Members}.", nameof(members));
        var data = members[0].Data;
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (batchSize > data.TrainCount)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size exceeds the {data.TrainCount} training examples.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "The number of epochs cannot be negative.");
        if (options.GradientPenalty < 0 || double.IsNaN(options.GradientPenalty))
            throw new ArgumentOutOfRangeException(nameof(options), options.GradientPenalty, "The gradient-norm penalty λ must be non-negative.");
        _engine = engine;
        _members = members.ToArray();
        _data = data;
        _options = options;
        BatchSize = batchSize;
        Epochs = epochs;
        _plan = Plan(data.TrainCount, batchSize, epochs, options);
        _epochEnds = _plan.Select(p => p.EndStep).ToHashSet();
        var total = _plan.Count == 0 ? 0 : Math.Min(_plan[^1].EndStep, TargetUpdates(data.TrainCount, batchSize, epochs, options) ?? long.MaxValue);
        var firstBatch = _plan.Count == 0 ? batchSize : _plan[0].BatchSize;
        _states = _members.Select((m, k) => new TrainingState(engine.Model(k), m.Data, total, _plan.Count == 0 ? 0 : _plan[0].Steps, IsEpochEndStep)
        {
            Member = k,
            BatchSize = firstBatch,
            DeclaredBatchSize = batchSize,
            DeclaredLearningRate = m.DeclaredLearningRate,
        }).ToArray();
        _learningRates = new double[_members.Length];
        for (var k = 0; k < _members.Length; k++) _states[k].ScheduledLearningRate = LearningRateAt(0, firstBatch, k);
        _divergence = new DivergenceMonitor(options.DivergenceCheckEvery);
        // Members whose labels differ (label noise): gather each member's labels from its own row.
        if (_members.Length > 1 && _members.Any(m => !ReferenceEquals(m.Data.TrainLabels, data.TrainLabels)))
        {
            using var scope = NewDisposeScope();
            _memberLabels = stack(_members.Select(m => m.Data.TrainLabels).ToArray()).MoveToOuterDisposeScope();
        }
        _raiseBeforeUpdate = k => BeforeUpdate?.Invoke(_states[k]);
        _observes = new Func<TrainingState, bool>?[_members.Length];
        _measures = new Func<TrainingState, bool>?[_members.Length];
        _observed = new bool[_members.Length];
    }

    /// <summary>
    /// Tells the loop when member k's <see cref="BeforeUpdate"/> subscribers need it (an instrument context's
    /// <c>ObservesNext</c>): <see cref="BeforeUpdate"/> is raised for the member only before those updates, so an engine
    /// copies a packed member's weights and gradient out only then. Without it, a member is observed at every update
    /// while <see cref="BeforeUpdate"/> has subscribers.
    /// </summary>
    public void Observe(int member, Func<TrainingState, bool> observesNext) => _observes[member] = observesNext;

    /// <summary>
    /// Tells the loop when member k's instruments read the step's norms (an instrument context's <c>NormsNext</c>): before
    /// those updates the engine also returns every member's ‖g_t‖² and ‖θ_{t+1} − θ_t‖² from its own buffers
    /// (<see cref="TrainingState.AppliedGradientNormSquared"/>, <see cref="TrainingState.UpdateNormSquared"/>), with no hook
    /// and no copy of the weights.
    /// </summary>
    public void MeasureNorms(int member, Func<TrainingState, bool> needsNext) => _measures[member] = needsNext;

    /// <summary>The engine that trains the members.</summary>
    public ITrainingEngine Engine => _engine;

    /// <summary>The number of members K.</summary>
    public int Members => _members.Length;

    /// <summary>The first member's state (a single trial's).</summary>
    public TrainingState State => _states[0];

    /// <summary>
    /// Member k's view of the last step for instruments: its model (holding its current weights), its loss, logits and labels.
    /// </summary>
    public TrainingState Member(int member)
    {
        _engine.Model(member); // brings a stacked member's model up to date
        return _states[member];
    }

    /// <summary>Member k's state without bringing its model up to date (for the step counters and flags).</summary>
    internal TrainingState StateOf(int member) => _states[member];

    /// <summary>
    /// Raised at every step (or, with <see cref="Observe"/>, at the steps a member's observers ask for), for each member, after
    /// the backward pass and before the member's update: the
    /// parameters are still θ_t, their gradients are the gradient of the training objective on the
    /// mini-batch (L, or L + λ‖∇L‖² with the penalty), and <see cref="TrainingState.Step"/> is t.
    /// Handlers must not change parameters or gradients. While nobody subscribes, an engine may fuse the update
    /// into the backward pass.
    /// </summary>
    public event Action<TrainingState>? BeforeUpdate;

    /// <summary>Steps of the first epoch (all epochs without a batch-size schedule).</summary>
    public int StepsPerEpoch => State.StepsPerEpoch;

    /// <summary>The batch size given to the constructor (the base of schedules and the regime factor).</summary>
    public int BatchSize { get; }

    /// <summary>The declared number of epochs (regime adaptation and TotalUpdates may run more or fewer).</summary>
    public int Epochs { get; }

    /// <summary>The batch size of each epoch the loop will run, in order.</summary>
    public IReadOnlyList<int> EpochBatchSizes => _plan.Select(p => p.BatchSize).ToArray();

    /// <summary>The learning rate of member <paramref name="member"/> for update <paramref name="step"/> (0-based), for a batch size.</summary>
    public double LearningRateAt(long step, int batchSize, int member = 0)
    {
        var m = _members[member];
        var scheduled = m.LearningRateSchedule?.At(step, _states?[member]?.TotalSteps ?? 0) ?? m.DeclaredLearningRate;
        return _options.Regime is { } regime ? scheduled * regime.LearningRateFactor(batchSize) : scheduled;
    }

    /// <summary>The seed of a member's batch order in an epoch (0-based): one formula for every trial, alone or packed.</summary>
    public static ulong EpochSeed(long seed, int epoch) => (ulong)(seed * 1_000_003 + epoch + 1);

    private static long? TargetUpdates(int trainCount, int batchSize, int epochs, TrainingOptions options) =>
        options.TotalUpdates ?? (options.Regime is { MoreUpdates: true } regime ? regime.TotalUpdates(trainCount, epochs) : null);

    /// <summary>The epochs the loop will run: their batch sizes, steps and cumulative end steps.</summary>
    private static List<EpochPlan> Plan(int trainCount, int batchSize, int epochs, TrainingOptions options)
    {
        var target = TargetUpdates(trainCount, batchSize, epochs, options);
        if (target is < 0) throw new ArgumentOutOfRangeException(nameof(options), target, "The number of updates cannot be negative.");
        // Epochs a batch-size schedule is defined over: the declared ones, stretched by B / B₀ under regime adaptation.
        var scheduleEpochs = options.Regime is { MoreUpdates: true } regime
            ? Math.Max(1, (int)Math.Ceiling(epochs * (double)batchSize / regime.BaseBatchSize))
            : Math.Max(1, epochs);
        var plan = new List<EpochPlan>();
        long end = 0;
        for (var e = 0; target is null ? e < epochs : end < target; e++)
        {
            var b = options.BatchSize?.At(e, scheduleEpochs, trainCount) ?? batchSize;
            var steps = trainCount / b;
            if (target is { } t) steps = (int)Math.Min(steps, t - end);
            end += steps;
            plan.Add(new EpochPlan(b, steps, end));
        }
        return plan;
    }

    private bool IsEpochEndStep(long step) => _epochEnds.Contains(step);

    /// <summary>Runs one update of every member; false when the budget is spent. Tensors of the previous step are freed.</summary>
    public bool Next()
    {
        ReleaseStep();
        var step = State.Step;
        if (step >= State.TotalSteps) return false;

        if (_epoch < 0 || _stepInEpoch == _plan[_epoch].Steps) BeginEpoch();
        var batchSize = _plan[_epoch].BatchSize;
        var k = _members.Length;
        for (var m = 0; m < k; m++)
        {
            _learningRates[m] = LearningRateAt(step, batchSize, m);
            var s = _states[m];
            s.ScheduledLearningRate = _learningRates[m];
            s.BatchSize = batchSize;
            s.StepsPerEpoch = _plan[_epoch].Steps;
        }

        using var scope = NewDisposeScope();
        // Gathering each batch from the epoch's permutation costs a tenth of copying the whole shuffled set
        // up front (a fresh 188 MB buffer for Fashion-MNIST, mostly page faults) and keeps no second copy.
        Tensor inputs, labels;
        if (k == 1)
        {
            var indices = _order!.narrow(0, (long)_stepInEpoch * batchSize, batchSize);
            inputs = _data.TrainInputs.index_select(0, indices);
            labels = _data.TrainLabels.index_select(0, indices);
        }
        else
        {
            var order = _order!.narrow(1, (long)_stepInEpoch * batchSize, batchSize);
            var index = order.reshape(-1);
            inputs = _data.TrainInputs.index_select(0, index);
            labels = _memberLabels is null ? _data.TrainLabels.index_select(0, index) : _memberLabels.gather(1, order).reshape(-1);
        }
        var observing = BeforeUpdate is not null;
        for (var m = 0; m < k && observing; m++) _observed[m] = _observes[m]?.Invoke(_states[m]) ?? true;
        var norms = false;
        for (var m = 0; m < k && !norms; m++) norms = _measures[m]?.Invoke(_states[m]) ?? false;
        var result = _engine.Step(inputs, labels, batchSize, _learningRates, observing ? _raiseBeforeUpdate : null, _observed, norms);

        _stepInEpoch++;
        var isEpochEnd = _stepInEpoch == _plan[_epoch].Steps;
        var memberLabels = labels.view([k, batchSize, .. labels.shape.Skip(1)]);
        for (var m = 0; m < k; m++)
        {
            var s = _states[m];
            s.Step = step + 1;
            s.Epoch = _epoch;
            s.IsEpochEnd = isEpochEnd;
            s.BatchLoss = Keep(result.Losses[m]);
            s.BatchLogits = Keep(result.Logits[m]);
            s.BatchLabels = Keep(memberLabels[m]);
            s.BatchGradientNormSquared = result.GradientNormsSquared is { } penalty ? Keep(penalty[m]) : null;
            s.AppliedGradientNormSquared = result.AppliedGradientNormsSquared is { } applied ? Keep(applied[m]) : null;
            s.UpdateNormSquared = result.UpdateNormsSquared is { } update ? Keep(update[m]) : null;
        }
        _divergence.Record(k == 1 ? State.BatchLoss : Keep(result.Losses.detach()), step + 1);
        return true;
    }

    private Tensor Keep(Tensor t)
    {
        var kept = t.detach().MoveToOuterDisposeScope();
        _stepTensors.Add(kept);
        return kept;
    }

    private void ReleaseStep()
    {
        foreach (var t in _stepTensors) t.Dispose();
        _stepTensors.Clear();
        foreach (var s in _states)
        {
            s.BatchLoss = null!;
            s.BatchLogits = null!;
            s.BatchLabels = null!;
            s.BatchGradientNormSquared = null;
            s.AppliedGradientNormSquared = null;
            s.UpdateNormSquared = null;
        }
    }

    /// <summary>
    /// False once a non-finite mini-batch loss of member <paramref name="member"/> has been detected; then <paramref name="loss"/>
    /// is its first non-finite loss and <see cref="DivergedAt"/> the step that produced it, so the trial can be
    /// recorded as diverged now. To avoid a host sync per step, the losses stay on the device and are read
    /// back only at check points: every <see cref="TrainingOptions.DivergenceCheckEvery"/> steps, at every
    /// epoch end and at the last step. A divergence is therefore detected up to K − 1 steps after it
    /// happened (K = DivergenceCheckEvery; 1 checks every step). Between two checks it returns
    /// true with <paramref name="loss"/> = NaN ("not read").
    /// </summary>
    public bool LossIsFinite(int member, out double loss)
    {
        var check = State.IsEpochEnd || State.IsLast;
        return _divergence.IsFinite(State.Step, check, out loss, member);
    }

    /// <summary>As <see cref="LossIsFinite(int, out double)"/> for the first (a single trial's) member.</summary>
    public bool LossIsFinite(out double loss) => LossIsFinite(0, out loss);

    /// <summary>The step whose loss was member k's first non-finite one, once <see cref="LossIsFinite(int, out double)"/> has returned false.</summary>
    public long? DivergedAt(int member) => _divergence.DivergedAt(member);

    /// <summary>The first member's <see cref="DivergedAt"/>.</summary>
    public long? DivergedAtStep => _divergence.DivergedAtStep;

    private void BeginEpoch()
    {
        _epoch++;
        _stepInEpoch = 0;
        _order?.Dispose();
        using var scope = NewDisposeScope();
        var orders = _members.Select(m =>
        {
            using var generator = new Generator(EpochSeed(m.Seed, _epoch));
            return randperm(_data.TrainCount, generator: generator);
        }).ToArray();
        var order = orders.Length == 1 ? orders[0] : stack(orders);
        if (order.device_type != _data.TrainInputs.device_type) order = order.to(_data.TrainInputs.device);
        _order = order.MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        ReleaseStep();
        _divergence.Dispose();
        _order?.Dispose();
        _memberLabels?.Dispose();
    }
}
