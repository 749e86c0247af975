using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>‖∇L(θ_t)‖ of the full-batch loss on the fixed training subset (<see cref="InstrumentOptions.FullBatchExamples"/>), evaluation mode; one forward-backward pass.</summary>
public sealed class GradientNorm(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state)
    {
        using var eval = FullBatch.Eval(context);
        using var g = ParameterVector.Gradient(FullBatch.Loss(context, options.FullBatchExamples), context.Parameters, out _);
        return ParameterVector.Norm(g);
    }
}
