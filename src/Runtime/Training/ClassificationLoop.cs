using Declarative.Runtime.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// Mini-batch training of a model on its task's loss (mean cross-entropy for classification, mean
/// squared error for regression). Each epoch shuffles the training set once (a generator seeded from
/// the trial seed and the epoch, independent of the global random stream, so instruments that draw
/// random numbers never change the batch order) and gathers each batch from the data set by the
/// epoch's permutation. The last incomplete batch of an epoch is dropped so that every step sees exactly the
/// epoch's batch size.
/// <para>
/// <see cref="TrainingOptions"/> adds the variants: a learning rate per update (set on every parameter
/// group before the step), a batch size per epoch, the explicit gradient-norm penalty
/// L + λ‖∇L‖² by double backward, and regime adaptation (a fixed number of updates, lr × √(B / B₀)).
/// Label noise lives in the data (<see cref="Data.LabelNoise"/>): pass the noisy data set here.
/// </para>
/// </summary>
public sealed class ClassificationLoop : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Data.ClassificationData _data;
    private readonly TrainingOptions _options;
    private readonly long _seed;
    private readonly List<EpochPlan> _plan;
    private readonly HashSet<long> _epochEnds;
    private readonly double[] _baseLearningRates;
    private readonly bool _setsLearningRate;
    private readonly Tensor[] _parameters;
    private readonly DivergenceMonitor _divergence;
    private readonly MlpTrainingStep? _handWritten;
    private readonly TorchSharp.Modules.ParamGroup? _plainSgd;
    private Tensor? _permutation;
    private int _epoch = -1;
    private int _stepInEpoch;

    private readonly record struct EpochPlan(int BatchSize, int Steps, long EndStep);

    public ClassificationLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Data.ClassificationData data, int batchSize, int epochs, long seed)
        : this(model, optimizer, data, batchSize, epochs, seed, TrainingOptions.Default)
    {
    }

    public ClassificationLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Data.ClassificationData data, int batchSize, int epochs, long seed, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (batchSize > data.TrainCount)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size exceeds the {data.TrainCount} training examples.");
        if (epochs < 0) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "The number of epochs cannot be negative.");
        if (options.GradientPenalty < 0 || double.IsNaN(options.GradientPenalty))
            throw new ArgumentOutOfRangeException(nameof(options), options.GradientPenalty, "The gradient-norm penalty λ must be non-negative.");
        _model = model;
        _optimizer = optimizer;
        _data = data;
        _options = options;
        _seed = seed;
        BatchSize = batchSize;
        Epochs = epochs;
        _plan = Plan(data.TrainCount, batchSize, epochs, options);
        _epochEnds = _plan.Select(p => p.EndStep).ToHashSet();
        var total = _plan.Count == 0 ? 0 : Math.Min(_plan[^1].EndStep, TargetUpdates(data.TrainCount, batchSize, epochs, options) ?? long.MaxValue);
        _baseLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
        _setsLearningRate = options.LearningRate is not null || options.Regime is not null;
        _parameters = options.GradientPenalty > 0 ? model.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray() : [];
        State = new TrainingState(model, data, total, _plan.Count == 0 ? 0 : _plan[0].Steps, IsEpochEndStep)
        {
            BatchSize = _plan.Count == 0 ? batchSize : _plan[0].BatchSize,
            LearningRate = _baseLearningRates.Length == 0 ? 0 : _baseLearningRates[0],
        };
        if (_setsLearningRate) State.LearningRate = LearningRateAt(0, State.BatchSize, 0);
        _divergence = new DivergenceMonitor(options.DivergenceCheckEvery);
        _handWritten = options.HandWrittenStep ? MlpTrainingStep.TryCreate(model, data, options) : null;
        _plainSgd = PlainSgdGroup(optimizer);
    }

    /// <summary>The one parameter group of an SGD optimizer without momentum, weight decay or maximisation; null for anything else.</summary>
    private static TorchSharp.Modules.ParamGroup? PlainSgdGroup(optim.Optimizer optimizer)
    {
        if (optimizer is not TorchSharp.Modules.SGD) return null;
        var groups = optimizer.ParamGroups.ToArray();
        return groups is [TorchSharp.Modules.ParamGroup { Options: TorchSharp.Modules.SGD.Options o } group]
            && (o.momentum ?? 0) == 0 && (o.weight_decay ?? 0) == 0 && o.maximize != true ? group : null;
    }

    /// <summary>
    /// Whether steps take the hand-written forward and backward of <see cref="MlpTrainingStep"/> (a plain MLP
    /// on cross-entropy) instead of autograd; see <see cref="TrainingOptions.HandWrittenStep"/>.
    /// </summary>
    public bool UsesHandWrittenStep => _handWritten is not null;

    public TrainingState State { get; }

    /// <summary>
    /// Raised at every step after the backward pass and before the optimizer's update: the
    /// parameters are still θ_t, their gradients are the gradient of the training objective on the
    /// mini-batch (L, or L + λ‖∇L‖² with the penalty), and <see cref="TrainingState.Step"/> is t.
    /// Handlers must not change parameters or gradients.
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

    /// <summary>The learning rate the loop sets for update <paramref name="step"/> (0-based), for a batch size.</summary>
    public double LearningRateAt(long step, int batchSize, int group = 0)
    {
        var scheduled = _options.LearningRate?.At(step, State?.TotalSteps ?? 0) ?? _baseLearningRates[group];
        return _options.Regime is { } regime ? scheduled * regime.LearningRateFactor(batchSize) : scheduled;
    }

    private static long? TargetUpdates(int trainCount, int batchSize, int epochs, TrainingOptions options) =>
        options.TotalUpdates ?? options.Regime?.TotalUpdates(trainCount, epochs);

    /// <summary>The epochs the loop will run: their batch sizes, steps and cumulative end steps.</summary>
    private static List<EpochPlan> Plan(int trainCount, int batchSize, int epochs, TrainingOptions options)
    {
        var target = TargetUpdates(trainCount, batchSize, epochs, options);
        if (target is < 0) throw new ArgumentOutOfRangeException(nameof(options), target, "The number of updates cannot be negative.");
        // Epochs a batch-size schedule is defined over: the declared ones, stretched by B / B₀ under regime adaptation.
        var scheduleEpochs = options.Regime is { } regime
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

    /// <summary>Runs one optimizer step; false when the budget is spent. Tensors of the previous step are freed.</summary>
    public bool Next()
    {
        ReleaseStep();
        if (State.Step >= State.TotalSteps) return false;

        if (_epoch < 0 || _stepInEpoch == _plan[_epoch].Steps) BeginEpoch();
        var batchSize = _plan[_epoch].BatchSize;

        if (_setsLearningRate)
        {
            var i = 0;
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = LearningRateAt(State.Step, batchSize, i++);
            State.LearningRate = OptimizerFactory.LearningRate(_optimizer);
        }
        State.BatchSize = batchSize;
        State.StepsPerEpoch = _plan[_epoch].Steps;

        using var scope = NewDisposeScope();
        // Instruments that evaluate put the model in evaluation mode and restore it; walking the module tree every step is not free.
        if (!_model.training) _model.train();
        // Gathering each batch from the epoch's permutation costs a tenth of copying the whole shuffled set
        // up front (a fresh 188 MB buffer for Fashion-MNIST, mostly page faults) and keeps no second copy.
        var indices = _permutation!.narrow(0, (long)_stepInEpoch * batchSize, batchSize);
        var inputs = _data.TrainInputs.index_select(0, indices);
        var labels = _data.TrainLabels.index_select(0, indices);
        Tensor outputs, loss;
        var fused = false;
        if (_handWritten is not null)
        {
            // Plain SGD that nobody observes before the update: the update is fused into the backward pass.
            if (_plainSgd is { } group && BeforeUpdate is null && _handWritten.CanFuseUpdate)
            {
                (loss, outputs) = _handWritten.StepAndUpdate(inputs, labels, group.LearningRate);
                fused = true;
            }
            else
            {
                (loss, outputs) = _handWritten.Step(inputs, labels); // overwrites every .grad: no zero_grad
            }
        }
        else
        {
            _optimizer.zero_grad();
            outputs = _model.forward(inputs);
            loss = Objective.Loss(outputs, labels, _data.IsRegression);
            if (_options.GradientPenalty > 0)
                State.BatchGradientNormSquared = GradientPenalty.Backward(loss, _parameters, _options.GradientPenalty).MoveToOuterDisposeScope();
            else
                loss.backward();
        }
        if (!fused)
        {
            BeforeUpdate?.Invoke(State);
            _optimizer.step();
        }

        _stepInEpoch++;
        State.Step++;
        State.Epoch = _epoch;
        State.IsEpochEnd = _stepInEpoch == _plan[_epoch].Steps;
        State.BatchLoss = loss.detach().MoveToOuterDisposeScope();
        State.BatchLogits = outputs.detach().MoveToOuterDisposeScope();
        State.BatchLabels = labels.MoveToOuterDisposeScope();
        _divergence.Record(State.BatchLoss, State.Step);
        return true;
    }

    private void ReleaseStep()
    {
        State.BatchLoss?.Dispose();
        State.BatchLogits?.Dispose();
        State.BatchLabels?.Dispose();
        State.BatchGradientNormSquared?.Dispose();
        State.BatchLoss = null!;
        State.BatchLogits = null!;
        State.BatchLabels = null!;
        State.BatchGradientNormSquared = null;
    }

    /// <summary>
    /// False once a non-finite mini-batch loss has been detected; then <paramref name="loss"/> is the first
    /// non-finite loss and <see cref="DivergedAtStep"/> the step that produced it, so the trial can be
    /// recorded as diverged now. To avoid a host sync per step, the losses stay on the device and are read
    /// back only at check points: every <see cref="TrainingOptions.DivergenceCheckEvery"/> steps, at every
    /// epoch end and at the last step. A divergence is therefore detected up to K − 1 steps after it
    /// happened (K = DivergenceCheckEvery; 1 checks every step, as before). Between two checks it returns
    /// true with <paramref name="loss"/> = NaN ("not read").
    /// </summary>
    public bool LossIsFinite(out double loss)
    {
        var check = State.IsEpochEnd || State.IsLast;
        return _divergence.IsFinite(State.Step, check, out loss);
    }

    /// <summary>The step whose loss was the first non-finite one, once <see cref="LossIsFinite"/> has returned false.</summary>
    public long? DivergedAtStep => _divergence.DivergedAtStep;

    private void BeginEpoch()
    {
        _epoch++;
        _stepInEpoch = 0;
        _permutation?.Dispose();
        using var generator = new Generator((ulong)(_seed * 1_000_003 + _epoch + 1));
        var permutation = randperm(_data.TrainCount, generator: generator).DetachFromDisposeScope();
        if (permutation.device_type != _data.TrainInputs.device_type)
        {
            using var onHost = permutation;
            permutation = onHost.to(_data.TrainInputs.device).DetachFromDisposeScope();
        }
        _permutation = permutation;
    }

    public void Dispose()
    {
        ReleaseStep();
        _handWritten?.Dispose();
        _divergence.Dispose();
        _permutation?.Dispose();
    }
}
