using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// What instruments share within one trial: the model, the data, one evaluation per data split and step,
/// the fixed training subset of the full-batch instruments, and per-step results that several instruments
/// read (one Lanczos run serves both the top eigenvalues and the loss along the top eigenvector).
/// </summary>
public sealed class InstrumentContext : IDisposable
{
    /// <summary>Seed of the fixed subset's permutation: the same subset for every instrument, trial and step.</summary>
    public const long SubsetSeed = 20_180_101;

    private readonly Dictionary<object, object> _shared = [];
    private readonly Dictionary<object, (long Step, object Value)> _perStep = [];
    private Tensor[]? _parameters;
    private const int EvaluationChunk = 2_000;
    private readonly Dictionary<string, (long Step, double Loss, double Accuracy)> _evaluations = [];

    public InstrumentContext(nn.Module<Tensor, Tensor> model, Data.ClassificationData data)
    {
        Model = model;
        Data = data;
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public Data.ClassificationData Data { get; }

    /// <summary>
    /// Raised before every optimizer update (see <see cref="Training.ClassificationLoop.BeforeUpdate"/>).
    /// Instruments that need θ_t or the mini-batch gradient subscribe in their constructor and use
    /// <see cref="Training.TrainingState.IsDueNext"/> with their options' cadence to work only when due.
    /// </summary>
    /// <remarks>
    /// After <see cref="Connect"/>, the context is subscribed to the loop only while some instrument is
    /// subscribed here: a loop that nobody observes before its updates may fuse the SGD update into the
    /// gradient computation (see <see cref="Training.StackedMlpEngine"/>).
    /// </remarks>
    public event Action<Training.TrainingState>? BeforeUpdate
    {
        add
        {
            var connect = _beforeUpdate is null;
            _subscribers++;
            _beforeUpdate += value;
            if (connect && _beforeUpdate is not null && _loop is not null) _loop.BeforeUpdate += OnLoopBeforeUpdate;
        }
        remove
        {
            _subscribers--;
            _beforeUpdate -= value;
            if (_beforeUpdate is null && _loop is not null) _loop.BeforeUpdate -= OnLoopBeforeUpdate;
        }
    }

    private Action<Training.TrainingState>? _beforeUpdate;
    private Training.ClassificationLoop? _loop;
    private int _member;
    private int _subscribers;
    private readonly List<Experiments.Cadence?> _observed = [];

    /// <summary>
    /// Subscribes <paramref name="handler"/> to <see cref="BeforeUpdate"/> for an instrument that needs θ_t or the mini-batch
    /// gradient only before the updates after which <paramref name="cadence"/> is due (null: every update). The loop asks
    /// <see cref="ObservesNext"/>, so an engine that must copy a member's weights and gradient out for its observers (a pack)
    /// does so only at those steps.
    /// </summary>
    public void ObserveUpdates(Experiments.Cadence? cadence, Action<Training.TrainingState> handler)
    {
        _observed.Add(cadence);
        BeforeUpdate += handler;
    }

    /// <summary>Undoes <see cref="ObserveUpdates"/>.</summary>
    public void StopObservingUpdates(Experiments.Cadence? cadence, Action<Training.TrainingState> handler)
    {
        _observed.Remove(cadence);
        BeforeUpdate -= handler;
    }

    private readonly List<Experiments.Cadence?> _norms = [];

    /// <summary>
    /// For an instrument that reads the step's norms (<see cref="Training.TrainingState.AppliedGradientNormSquared"/>,
    /// <see cref="Training.TrainingState.UpdateNormSquared"/>) after the updates at which <paramref name="cadence"/> is due
    /// (null: every update): the engine computes them from its own buffers then. Needs <see cref="Connect"/>.
    /// </summary>
    public void RequestStepNorms(Experiments.Cadence? cadence) => _norms.Add(cadence);

    /// <summary>Undoes <see cref="RequestStepNorms"/>.</summary>
    public void StopRequestingStepNorms(Experiments.Cadence? cadence) => _norms.Remove(cadence);

    /// <summary>Whether an instrument reads the norms of the update that follows <paramref name="state"/>'s step.</summary>
    public bool NormsNext(Training.TrainingState state) => AnyDueNext(_norms, state);

    /// <summary>Whether a subscriber needs θ_t and the gradient before the update that follows <paramref name="state"/>'s step.</summary>
    public bool ObservesNext(Training.TrainingState state) =>
        _beforeUpdate is not null && (_subscribers > _observed.Count || AnyDueNext(_observed, state));

    /// <summary>Whether one of <paramref name="cadences"/> (null: every update) is due after the update that follows <paramref name="state"/>'s step.</summary>
    private static bool AnyDueNext(List<Experiments.Cadence?> cadences, Training.TrainingState state)
    {
        foreach (var c in cadences)
            if (c is null || state.IsDueNext(c)) return true;
        return false;
    }

    public void RaiseBeforeUpdate(Training.TrainingState state) => _beforeUpdate?.Invoke(state);

    private void OnLoopBeforeUpdate(Training.TrainingState state)
    {
        if (state.Member == _member) _beforeUpdate?.Invoke(state);
    }

    /// <summary>
    /// Forwards the loop's <see cref="Training.ClassificationLoop.BeforeUpdate"/> for member <paramref name="member"/> to this
    /// context's subscribers (while there are any).
    /// </summary>
    public void Connect(Training.ClassificationLoop loop, int member = 0)
    {
        if (_loop is not null) throw new InvalidOperationException("The instrument context is already connected to a loop.");
        _loop = loop;
        _member = member;
        loop.Observe(member, ObservesNext);
        loop.MeasureNorms(member, NormsNext);
        if (_beforeUpdate is not null) loop.BeforeUpdate += OnLoopBeforeUpdate;
    }

    private InstrumentPack? _pack;
    private bool _ownsPack;

    /// <summary>
    /// The pack this context's member belongs to (<see cref="JoinPack"/>); a context that joined none is a pack of one of its
    /// own. The full-batch Hessian instruments compute for all the pack's members at once.
    /// </summary>
    internal InstrumentPack Pack
    {
        get
        {
            if (_pack is null)
            {
                _pack = new InstrumentPack([this], null);
                _ownsPack = true;
            }
            return _pack;
        }
    }

    /// <summary>This context's member index in <see cref="Pack"/>.</summary>
    internal int PackMember { get; private set; }

    /// <summary>Makes this context member <paramref name="member"/> of <paramref name="pack"/> (owned by its creator); before any instrument used the pack.</summary>
    internal void JoinPack(InstrumentPack pack, int member)
    {
        if (_pack is not null) throw new InvalidOperationException("The instrument context already belongs to a pack.");
        _pack = pack;
        PackMember = member;
    }

    /// <summary>The model's trainable parameters, in a fixed order.</summary>
    public IReadOnlyList<Tensor> Parameters => _parameters ??= Model.parameters().Where(p => p.requires_grad).ToArray();

    /// <summary>
    /// The first <paramref name="examples"/> training examples of a fixed permutation (seed <see cref="SubsetSeed"/>,
    /// independent of the trial's streams); all of them when <paramref name="examples"/> is 0 or exceeds the set.
    /// </summary>
    public (Tensor Inputs, Tensor Labels) FixedSubset(int examples)
    {
        var n = Data.TrainCount;
        var count = examples <= 0 || examples >= n ? n : examples;
        return Shared(("subset", count), () =>
        {
            using var generator = new Generator((ulong)SubsetSeed);
            using var permutation = randperm(n, generator: generator).to(Data.TrainInputs.device);
            using var index = permutation.narrow(0, 0, count);
            return TrainRows(index);
        }).AsTuple();
    }

    /// <summary>The training examples at <paramref name="index"/> with their labels, owned by the context (never by the dispose scope of the step that first asked for them).</summary>
    private TensorPair TrainRows(Tensor index) =>
        new(Data.TrainInputs.index_select(0, index).DetachFromDisposeScope(), Data.TrainLabels.index_select(0, index).DetachFromDisposeScope());

    /// <summary>An object created once per trial and key, disposed with the context.</summary>
    public T Shared<T>(object key, Func<T> create) where T : class
    {
        if (_shared.TryGetValue(key, out var value)) return (T)value;
        var created = create();
        _shared[key] = created;
        return created;
    }

    /// <summary>A value computed once per step and key (shared by instruments measured at the same step); the previous step's value is disposed.</summary>
    public T PerStep<T>(object key, long step, Func<T> compute) where T : class
    {
        if (_perStep.TryGetValue(key, out var cached))
        {
            if (cached.Step == step) return (T)cached.Value;
            (cached.Value as IDisposable)?.Dispose();
            _perStep.Remove(key);
        }
        var value = compute();
        _perStep[key] = (step, value);
        return value;
    }

    public void Dispose()
    {
        foreach (var value in _perStep.Values) (value.Value as IDisposable)?.Dispose();
        foreach (var value in _shared.Values) (value as IDisposable)?.Dispose();
        _perStep.Clear();
        _shared.Clear();
        if (_ownsPack) _pack?.Dispose();
    }

    private sealed class TensorPair(Tensor first, Tensor second) : IDisposable
    {
        public (Tensor, Tensor) AsTuple() => (first, second);

        public void Dispose()
        {
            first.Dispose();
            second.Dispose();
        }
    }

    /// <summary>Mean cross-entropy and accuracy of the model on a split, computed once per step in evaluation mode.</summary>
    public (double Loss, double Accuracy) Evaluate(string split, Tensor inputs, Tensor labels, long step)
    {
        if (_evaluations.TryGetValue(split, out var cached) && cached.Step == step)
            return (cached.Loss, cached.Accuracy);

        var result = Evaluate(Model, inputs, labels);
        _evaluations[split] = (step, result.Loss, result.Accuracy);
        return result;
    }

    /// <summary>Loss and accuracy on the experiment's training examples at <paramref name="step"/> (one evaluation per step).</summary>
    internal (double Loss, double Accuracy) EvaluateTrain(long step) => Evaluate("train", Data.TrainInputs, Data.TrainLabels, step);

    /// <summary>Loss and accuracy on the test set at <paramref name="step"/> (one evaluation per step).</summary>
    internal (double Loss, double Accuracy) EvaluateTest(long step) => Evaluate("test", Data.TestInputs, Data.TestLabels, step);

    /// <summary>
    /// Loss and accuracy on the training examples whose labels label noise flipped, against their (flipped) training labels,
    /// at <paramref name="step"/> (one evaluation per step). Throws when the data has no label noise.
    /// </summary>
    internal (double Loss, double Accuracy) EvaluateFlipped(long step)
    {
        var (x, y) = FlippedExamples();
        return Evaluate("flipped", x, y, step);
    }

    /// <summary>The training examples whose labels were flipped, with their flipped labels (selected once per trial).</summary>
    private (Tensor Inputs, Tensor Labels) FlippedExamples() => Shared("flipped", () =>
    {
        var mask = Data.FlippedMask ?? throw new InvalidOperationException(
            $"The flipped-label instruments measure the examples whose labels label noise flipped, and '{Data.Name}' has no label noise: declare LabelNoise on the data set.");
        using var scope = NewDisposeScope();
        var index = mask.nonzero().view(-1);
        if (index.shape[0] == 0) throw new InvalidOperationException($"Label noise flipped no label of '{Data.Name}' (its fraction rounds to 0 examples): raise LabelNoise.");
        return TrainRows(index);
    }).AsTuple();

    /// <summary>Loss and accuracy on the fixed training subset of <paramref name="examples"/> examples at <paramref name="step"/>.</summary>
    internal (double Loss, double Accuracy) EvaluateSubset(int examples, long step)
    {
        var (x, y) = FixedSubset(examples);
        return Evaluate($"subset:{x.shape[0]}", x, y, step);
    }

    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var n = inputs.shape[0];
            var lossSum = zeros(1, dtype: ScalarType.Float64, device: inputs.device);
            var correct = zeros(1, dtype: ScalarType.Int64, device: inputs.device);
            for (long start = 0; start < n; start += EvaluationChunk)
            {
                var length = Math.Min(EvaluationChunk, n - start);
                var logits = model.forward(inputs.narrow(0, start, length));
                var y = labels.narrow(0, start, length);
                lossSum.add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
                correct.add_(logits.argmax(1).eq(y).sum());
            }
            return (lossSum.item<double>() / n, (double)correct.item<long>() / n);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
