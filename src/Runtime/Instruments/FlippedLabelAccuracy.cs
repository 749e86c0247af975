using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Accuracy on the training examples whose labels label noise flipped, against their flipped labels, in evaluation mode:
/// the fraction of wrong labels memorised (F4; Zhang et al. 2017). 1/C is chance for a network that ignores them.
/// </summary>
public sealed class FlippedLabelAccuracy(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.EvaluateFlipped(state.Step).Accuracy;
}
