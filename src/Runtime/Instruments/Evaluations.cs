using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy of the step's mini-batch, computed by the step itself (free apart from one read-back).</summary>
public sealed class BatchLoss : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public BatchLoss(InstrumentContext context, InstrumentOptions options) { }

    public string Name => nameof(BatchLoss);
    public double Measure(TrainingState state) => _cost.Time(() =>
        state.BatchLoss.to_type(ScalarType.Float64).item<double>());
}

/// <summary>Accuracy on the step's mini-batch, from the step's own logits.</summary>
public sealed class BatchAccuracy : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public BatchAccuracy(InstrumentContext context, InstrumentOptions options) { }

    public string Name => nameof(BatchAccuracy);

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        using var scope = NewDisposeScope();
        var correct = state.BatchLogits.argmax(1).eq(state.BatchLabels).sum().item<long>();
        return (double)correct / state.BatchLabels.shape[0];
    });
}

/// <summary>Mean cross-entropy on the experiment's training examples, in evaluation mode.</summary>
public sealed class TrainLoss(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(TrainLoss);
    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("train", context.Data.TrainInputs, context.Data.TrainLabels, state.Step).Loss);
}

/// <summary>Accuracy on the experiment's training examples, in evaluation mode.</summary>
public sealed class TrainAccuracy(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(TrainAccuracy);
    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("train", context.Data.TrainInputs, context.Data.TrainLabels, state.Step).Accuracy);
}

/// <summary>Mean cross-entropy on the test set, in evaluation mode.</summary>
public sealed class TestLoss(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(TestLoss);
    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("test", context.Data.TestInputs, context.Data.TestLabels, state.Step).Loss);
}

/// <summary>Accuracy on the test set, in evaluation mode.</summary>
public sealed class TestAccuracy(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(TestAccuracy);
    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("test", context.Data.TestInputs, context.Data.TestLabels, state.Step).Accuracy);
}

/// <summary>Mean cross-entropy on the fixed training subset of <see cref="InstrumentOptions.Examples"/> examples (the one the full-batch instruments use), evaluation mode.</summary>
public sealed class SubsetLoss(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(SubsetLoss);

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        var (x, y) = context.FixedSubset(options.Examples);
        return context.Evaluate($"subset:{x.shape[0]}", x, y, state.Step).Loss;
    });
}

/// <summary>Accuracy on the fixed training subset of <see cref="InstrumentOptions.Examples"/> examples, evaluation mode.</summary>
public sealed class SubsetAccuracy(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(SubsetAccuracy);

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        var (x, y) = context.FixedSubset(options.Examples);
        return context.Evaluate($"subset:{x.shape[0]}", x, y, state.Step).Accuracy;
    });
}

/// <summary>The generalization gap in loss, TestLoss − TrainLoss (shares their evaluations when both are tracked).</summary>
public sealed class GeneralizationGap(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(GeneralizationGap);

    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("test", context.Data.TestInputs, context.Data.TestLabels, state.Step).Loss
        - context.Evaluate("train", context.Data.TrainInputs, context.Data.TrainLabels, state.Step).Loss);
}

/// <summary>The generalization gap in accuracy, TrainAccuracy − TestAccuracy.</summary>
public sealed class AccuracyGap(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(AccuracyGap);

    public double Measure(TrainingState state) => _cost.Time(() =>
        context.Evaluate("train", context.Data.TrainInputs, context.Data.TrainLabels, state.Step).Accuracy
        - context.Evaluate("test", context.Data.TestInputs, context.Data.TestLabels, state.Step).Accuracy);
}
