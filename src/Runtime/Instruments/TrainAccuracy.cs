using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Accuracy on the experiment's training examples, in evaluation mode.</summary>
public sealed class TrainAccuracy(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTrain(state.Step).Accuracy;
}
