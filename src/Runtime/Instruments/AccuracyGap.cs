using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The generalization gap in accuracy, TrainAccuracy − TestAccuracy (shares their evaluations when both are tracked).</summary>
public sealed class AccuracyGap(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTrain(state.Step).Accuracy - context.EvaluateTest(state.Step).Accuracy;
}
