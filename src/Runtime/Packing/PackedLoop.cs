using Declarative.Runtime.Data;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Packing;

/// <summary>
/// Mini-batch training of a <see cref="PackedMlp"/>: the loop of <see cref="ClassificationLoop"/> run for
/// K members at once. Each member shuffles the training set with its own generator, seeded exactly as
/// <see cref="ClassificationLoop"/> seeds a trial's (seed · 1 000 003 + epoch + 1), so member k sees the
/// batches its trial would see alone; a step gathers the K batches into one [K, B, features] tensor,
/// runs one stacked forward and backward written out by hand (<see cref="PackedMlp.LossAndGradients"/>:
/// each member's gradient is its own loss's) and one packed SGD update. Losses stay on the device; a
/// member's divergence is detected at the next check, as in <see cref="ClassificationLoop.LossIsFinite"/>.
/// Supports a constant batch size and learning rate (no schedules, penalty or regime adaptation):
/// <c>PackedTrials.CanPack</c> says which trials qualify.
/// </summary>
public sealed class PackedLoop : IDisposable
{
    private readonly PackedMlp _model;
    private readonly PackedSgd _optimizer;
    private readonly ClassificationData _data;
    private readonly long[] _seeds;
    private readonly int _stepsPerEpoch;
    private readonly DivergenceMonitor _divergence;
    private readonly IReadOnlyList<Mlp>? _memberModels;
    private readonly double[] _memberLearningRates;
    private readonly IReadOnlyList<ClassificationData>? _memberData;
    private readonly Tensor? _memberLabels;
    private readonly TrainingState?[] _memberStates;
    private readonly long?[] _divergedAt;
    private Tensor? _epochOrder;
    private int _epoch = -1;
    private int _stepInEpoch;

    /// <param name="model">The stacked model of every member.</param>
    /// <param name="optimizer">The packed SGD update over <paramref name="model"/>.</param>
    /// <param name="data">The shared training data.</param>
    /// <param name="batchSize">The members' common batch size.</param>
    /// <param name="epochs">Epochs to train (unless <paramref name="totalUpdates"/> stops earlier).</param>
    /// <param name="seeds">Each member's seed, which orders its own batches.</param>
    /// <param name="totalUpdates">Optional: the number of updates after which training stops.</param>
    /// <param name="divergenceCheckEvery">How many steps pass between two checks for a diverged member.</param>
    /// <param name="memberData">Optional: each member's data set (the shared inputs with the member's own labels, e.g. label noise drawn from its seed).</param>
    /// <param name="memberLearningRates">Optional: each member's learning rate, reported by <see cref="Member"/>'s state.</param>
    /// <param name="memberModels">Optional: an MLP per member (the ones the pack was stacked from), into which <see cref="Member"/> copies the member's weights for instruments.</param>
    public PackedLoop(PackedMlp model, PackedSgd optimizer, ClassificationData data, int batchSize, int epochs, IReadOnlyList<long> seeds,
        long? totalUpdates = null, int divergenceCheckEvery = DivergenceMonitor.DefaultCheckEvery, IReadOnlyList<Mlp>? memberModels = null,
        IReadOnlyList<double>? memberLearningRates = null, IReadOnlyList<ClassificationData>? memberData = null)
    {
        if (data.IsRegression) throw new ArgumentException("Packed training supports classification data only.", nameof(data));
        if (seeds.Count != model.Members) throw new ArgumentException($"{seeds.Count} seeds for {model.Members} members.", nameof(seeds));
        if (batchSize <= 0 || batchSize > data.TrainCount) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size must be in 1..{data.TrainCount}.");
        if (memberModels is not null && memberModels.Count != model.Members) throw new ArgumentException("One model per member.", nameof(memberModels));
        _model = model;
        _optimizer = optimizer;
        _data = data;
        _seeds = seeds.ToArray();
        BatchSize = batchSize;
        _stepsPerEpoch = data.TrainCount / batchSize;
        TotalSteps = totalUpdates ?? (long)Math.Max(1, epochs) * _stepsPerEpoch;
        _divergence = new DivergenceMonitor(divergenceCheckEvery);
        _memberModels = memberModels;
        _memberLearningRates = memberLearningRates?.ToArray() ?? new double[model.Members];
        if (memberData is not null && memberData.Count != model.Members) throw new ArgumentException("One data set per member.", nameof(memberData));
        _memberData = memberData;
        // Members whose labels differ (label noise): gather each member's labels from its own row.
        if (memberData is not null && memberData.Any(d => !ReferenceEquals(d.TrainLabels, data.TrainLabels)))
        {
            using var scope = NewDisposeScope();
            _memberLabels = stack(memberData.Select(d => d.TrainLabels).ToArray()).MoveToOuterDisposeScope();
        }
        _memberStates = new TrainingState?[model.Members];
        _divergedAt = new long?[model.Members];
    }

    public int Members => _model.Members;
    public int BatchSize { get; }
    public int StepsPerEpoch => _stepsPerEpoch;
    public long TotalSteps { get; }

    /// <summary>Completed updates (1 after the first).</summary>
    public long Step { get; private set; }

    /// <summary>The epoch of the last step (0-based).</summary>
    public int Epoch => Math.Max(0, _epoch);

    public bool IsEpochEnd { get; private set; }
    public bool IsLast => Step == TotalSteps;

    /// <summary>Each member's mini-batch loss of the last step, [K], detached.</summary>
    public Tensor BatchLosses { get; private set; } = null!;

    /// <summary>The last step's logits [K, B, classes], detached.</summary>
    public Tensor BatchLogits { get; private set; } = null!;

    /// <summary>The last step's labels [K, B].</summary>
    public Tensor BatchLabels { get; private set; } = null!;

    /// <summary>Runs one packed step; false when the budget is spent.</summary>
    public bool Next()
    {
        Release();
        if (Step >= TotalSteps) return false;
        if (_epoch < 0 || _stepInEpoch == _stepsPerEpoch) BeginEpoch();

        using var scope = NewDisposeScope();
        var k = _model.Members;
        var b = BatchSize;
        var order = _epochOrder!.narrow(1, (long)_stepInEpoch * b, b);
        var index = order.reshape(-1);
        var inputs = _data.TrainInputs.index_select(0, index).view(k, b, -1);
        var labels = _memberLabels is null ? _data.TrainLabels.index_select(0, index) : _memberLabels.gather(1, order).reshape(-1);
        var (losses, logits, gradients) = _model.LossAndGradients(inputs, labels);
        _optimizer.Step(gradients);

        _stepInEpoch++;
        Step++;
        IsEpochEnd = _stepInEpoch == _stepsPerEpoch || Step == TotalSteps;
        BatchLosses = losses.detach().MoveToOuterDisposeScope();
        BatchLogits = logits.detach().MoveToOuterDisposeScope();
        BatchLabels = labels.view(k, b).MoveToOuterDisposeScope();
        _divergence.Record(BatchLosses, Step);
        return true;
    }

    /// <summary>
    /// As <see cref="ClassificationLoop.LossIsFinite"/>, for member <paramref name="member"/>: false once its loss
    /// has been found non-finite at a check (every K steps, epoch ends, the last step).
    /// </summary>
    public bool LossIsFinite(int member, out double loss)
    {
        var finite = _divergence.IsFinite(Step, IsEpochEnd || IsLast, out loss, member);
        if (!finite) _divergedAt[member] ??= _divergence.DivergedAt(member);
        return finite;
    }

    /// <summary>The step of member k's first non-finite loss, once detected.</summary>
    public long? DivergedAtStep(int member) => _divergedAt[member];

    /// <summary>
    /// Member k's view of the last step as an ordinary <see cref="TrainingState"/> for instruments: its model
    /// (the member's MLP, with the pack's current weights copied in), its loss, logits and labels. Costs
    /// one copy of the member's weights; call it only at steps where an instrument is due.
    /// </summary>
    public TrainingState Member(int member)
    {
        if (_memberModels is null) throw new InvalidOperationException("The loop was built without member models; pass memberModels to read a member as a TrainingState.");
        var model = _memberModels[member];
        _model.CopyMemberTo(member, model);
        var state = _memberStates[member] ??= new TrainingState(model, _memberData?[member] ?? _data, TotalSteps, _stepsPerEpoch);
        state.Step = Step;
        state.Epoch = Epoch;
        state.IsEpochEnd = IsEpochEnd;
        state.BatchSize = BatchSize;
        state.LearningRate = _memberLearningRates[member];
        state.BatchLoss?.Dispose();
        state.BatchLogits?.Dispose();
        state.BatchLabels?.Dispose();
        state.BatchLoss = BatchLosses[member];
        state.BatchLogits = BatchLogits[member];
        state.BatchLabels = BatchLabels[member];
        return state;
    }

    private void BeginEpoch()
    {
        _epoch++;
        _stepInEpoch = 0;
        _epochOrder?.Dispose();
        using var scope = NewDisposeScope();
        var orders = _seeds.Select(seed =>
        {
            using var generator = new Generator((ulong)(seed * 1_000_003 + _epoch + 1));
            return randperm(_data.TrainCount, generator: generator);
        }).ToArray();
        _epochOrder = stack(orders).to(_data.TrainInputs.device).MoveToOuterDisposeScope();
    }

    private void Release()
    {
        BatchLosses?.Dispose();
        BatchLogits?.Dispose();
        BatchLabels?.Dispose();
    }

    public void Dispose()
    {
        Release();
        _epochOrder?.Dispose();
        _memberLabels?.Dispose();
        _divergence.Dispose();
        foreach (var s in _memberStates)
        {
            s?.BatchLoss?.Dispose();
            s?.BatchLogits?.Dispose();
            s?.BatchLabels?.Dispose();
        }
    }
}
