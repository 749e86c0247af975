using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖g_t‖ of the mini-batch gradient the optimizer applies at step t (before any weight decay or momentum the optimizer
/// adds; with the gradient-norm penalty, the penalised objective's), read from what the engine computed for the step:
/// no hook, no extra pass.
/// </summary>
public sealed class BatchGradientNorm(InstrumentContext context, InstrumentOptions options) : StepNormInstrument(context, options)
{
    protected override Tensor? SquaredNorm(TrainingState state) => state.AppliedGradientNormSquared;
}
