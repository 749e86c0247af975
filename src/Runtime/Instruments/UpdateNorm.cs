using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖θ_{t+1} − θ_t‖ of the step just taken, read from what the engine computed for the step (η‖direction‖ for the SGD
/// family, the difference around the optimizer's step otherwise), accumulated in float64.
/// </summary>
public sealed class UpdateNorm(InstrumentContext context, InstrumentOptions options) : StepNormInstrument(context, options)
{
    protected override Tensor? SquaredNorm(TrainingState state) => state.UpdateNormSquared;
}
