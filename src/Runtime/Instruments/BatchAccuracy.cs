using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Accuracy on the step's mini-batch, from the step's own logits: one pass over them on the CPU
/// (<see cref="Torch.CpuReductions.CorrectPredictions"/>, <c>argmax</c>'s rules), instead of four kernels and a read-back.
/// </summary>
public sealed class BatchAccuracy : ScalarInstrument
{
    public override double Measure(TrainingState state) =>
        (double)Torch.CpuReductions.CorrectPredictions(state.BatchLogits, state.BatchLabels) / state.BatchLabels.shape[0];
}
