using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// Mini-batch training of a classifier on mean cross-entropy. Each epoch shuffles the training set
/// once (a generator seeded from the trial seed and the epoch, independent of the global random
/// stream, so instruments that draw random numbers never change the batch order) and takes batches
/// as contiguous views of the shuffled copy. The last incomplete batch of an epoch is dropped so
/// that every step sees exactly <c>batchSize</c> examples.
/// </summary>
public sealed class ClassificationLoop : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly optim.Optimizer _optimizer;
    private readonly Data.ClassificationData _data;
    private readonly int _batchSize;
    private readonly int _epochs;
    private readonly long _seed;
    private readonly int _stepsPerEpoch;
    private Tensor? _epochInputs;
    private Tensor? _epochLabels;
    private int _epoch = -1;
    private int _stepInEpoch;

    public ClassificationLoop(nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, Data.ClassificationData data, int batchSize, int epochs, long seed)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        if (batchSize > data.TrainCount)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"The batch size exceeds the {data.TrainCount} training examples.");
        _model = model;
        _optimizer = optimizer;
        _data = data;
        _batchSize = batchSize;
        _epochs = epochs;
        _seed = seed;
        _stepsPerEpoch = data.TrainCount / batchSize;
        State = new TrainingState(model, data, (long)_stepsPerEpoch * epochs, _stepsPerEpoch);
    }

    public TrainingState State { get; }

    /// <summary>
    /// Raised at every step after the backward pass and before the optimizer's update: the
    /// parameters are still θ_t, their gradients are the mini-batch gradient, and
    /// <see cref="TrainingState.Step"/> is t. Handlers must not change parameters or gradients.
    /// </summary>
    public event Action<TrainingState>? BeforeUpdate;
    public int StepsPerEpoch => _stepsPerEpoch;

    /// <summary>Runs one optimizer step; false when the budget is spent. Tensors of the previous step are freed.</summary>
    public bool Next()
    {
        ReleaseStep();
        if (State.Step >= State.TotalSteps) return false;

        if (_epoch < 0 || _stepInEpoch == _stepsPerEpoch) BeginEpoch();

        using var scope = NewDisposeScope();
        _model.train();
        var inputs = _epochInputs!.narrow(0, (long)_stepInEpoch * _batchSize, _batchSize);
        var labels = _epochLabels!.narrow(0, (long)_stepInEpoch * _batchSize, _batchSize);
        _optimizer.zero_grad();
        var logits = _model.forward(inputs);
        var loss = nn.functional.cross_entropy(logits, labels);
        loss.backward();
        BeforeUpdate?.Invoke(State);
        _optimizer.step();

        _stepInEpoch++;
        State.Step++;
        State.Epoch = _epoch;
        State.IsEpochEnd = _stepInEpoch == _stepsPerEpoch;
        State.BatchLoss = loss.detach().MoveToOuterDisposeScope();
        State.BatchLogits = logits.detach().MoveToOuterDisposeScope();
        State.BatchLabels = labels.MoveToOuterDisposeScope();
        return true;
    }

    private void ReleaseStep()
    {
        State.BatchLoss?.Dispose();
        State.BatchLogits?.Dispose();
        State.BatchLabels?.Dispose();
        State.BatchLoss = null!;
        State.BatchLogits = null!;
        State.BatchLabels = null!;
    }

    /// <summary>
    /// True while the last step's loss is finite; otherwise gives the loss, so the trial can be
    /// recorded as diverged at this step.
    /// </summary>
    public bool LossIsFinite(out double loss)
    {
        loss = State.BatchLoss.to_type(ScalarType.Float64).item<double>();
        return double.IsFinite(loss);
    }

    private void BeginEpoch()
    {
        _epoch++;
        _stepInEpoch = 0;
        _epochInputs?.Dispose();
        _epochLabels?.Dispose();
        using var generator = new Generator((ulong)(_seed * 1_000_003 + _epoch + 1));
        using var permutation = randperm(_data.TrainCount, generator: generator).to(_data.TrainInputs.device);
        _epochInputs = _data.TrainInputs.index_select(0, permutation);
        _epochLabels = _data.TrainLabels.index_select(0, permutation);
    }

    public void Dispose()
    {
        ReleaseStep();
        _epochInputs?.Dispose();
        _epochLabels?.Dispose();
    }
}
