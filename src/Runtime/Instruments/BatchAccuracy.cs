using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>Accuracy on the step's mini-batch, from the step's own logits.</summary>
public sealed class BatchAccuracy : ScalarInstrument
{
    public override double Measure(TrainingState state)
    {
        using var scope = NewDisposeScope();
        var correct = state.BatchLogits.argmax(1).eq(state.BatchLabels).sum().item<long>();
        return (double)correct / state.BatchLabels.shape[0];
    }
}
