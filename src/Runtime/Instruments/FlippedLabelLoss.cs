using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy on the training examples whose labels label noise flipped, against their flipped labels, in evaluation mode.</summary>
public sealed class FlippedLabelLoss(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateFlipped(state.Step).Loss;
}
