using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The generalization gap in loss, TestLoss − TrainLoss (shares their evaluations when both are tracked).</summary>
public sealed class GeneralizationGap(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTest(state.Step).Loss - context.EvaluateTrain(state.Step).Loss;
}
