using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy on the fixed training subset of <see cref="InstrumentOptions.FullBatchExamples"/> examples (the one the full-batch instruments use), evaluation mode.</summary>
public sealed class SubsetLoss(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateSubset(options.FullBatchExamples, state.Step).Loss;
}
