using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy on the experiment's training examples, in evaluation mode.</summary>
public sealed class TrainLoss(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateTrain(state.Step).Loss;
}
