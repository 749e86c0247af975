using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Keskar et al.'s ε-sharpness (percent) of the full-batch loss on the fixed subset, box of relative size
/// <see cref="InstrumentOptions.Epsilon"/>, <see cref="InstrumentOptions.AscentSteps"/> projected ascent steps
/// (see <see cref="SharpnessAscent"/>).
/// </summary>
public sealed class EpsilonSharpness(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();

    public string Name => nameof(EpsilonSharpness);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        using var eval = FullBatch.Eval(context);
        return SharpnessAscent.Measure(FullBatch.Loss(context, options.Examples), context.Parameters, options.Epsilon, options.AscentSteps);
    });
}
