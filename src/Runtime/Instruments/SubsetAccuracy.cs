using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Accuracy on the fixed training subset of <see cref="InstrumentOptions.FullBatchExamples"/> examples, evaluation mode.</summary>
public sealed class SubsetAccuracy(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateSubset(options.FullBatchExamples, state.Step).Accuracy;
}
