using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Accuracy on the test set, in evaluation mode.</summary>
public sealed class TestAccuracy(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTest(state.Step).Accuracy;
}
