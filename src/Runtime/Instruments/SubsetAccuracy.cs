using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Accuracy on the fixed training subset of <see cref="InstrumentOptions.Examples"/> examples, evaluation mode.</summary>
public sealed class SubsetAccuracy(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateSubset(options.Examples, state.Step).Accuracy;
}
