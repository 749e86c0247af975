using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy on the test set, in evaluation mode.</summary>
public sealed class TestLoss(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTest(state.Step).Loss;
}
