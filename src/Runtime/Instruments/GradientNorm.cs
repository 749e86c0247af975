using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖∇L(θ_t)‖ of the full-batch loss on the fixed training subset (<see cref="InstrumentOptions.FullBatchExamples"/>), evaluation mode:
/// read from the step's gradient graph of the member's pack, which the Hessian instruments due at the same step and subset size
/// share (one forward and create_graph backward for all of them).
/// </summary>
public sealed class GradientNorm(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.Pack.GradientNorm(options.FullBatchExamples, state.Step, context.PackMember);
}
