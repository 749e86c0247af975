using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Keskar et al.'s ε-sharpness (percent) of the full-batch loss on the fixed subset, box of relative size
/// <see cref="InstrumentOptions.Epsilon"/>, <see cref="InstrumentOptions.AscentSteps"/> projected ascent steps
/// (see <see cref="SharpnessAscent"/>).
/// </summary>
public sealed class EpsilonSharpness(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    public override double Measure(TrainingState state)
    {
        using var eval = FullBatch.Eval(context);
        return SharpnessAscent.Measure(FullBatch.Loss(context, options.Examples), context.Parameters, options.Epsilon, options.AscentSteps);
    }
}
