using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Keskar et al.'s ε-sharpness maximisation (<see cref="SharpnessAscent"/>) on the fixed training subset of
/// <see cref="InstrumentOptions.SharpnessExamples"/> examples (default 10,000), in evaluation mode, box of relative size
/// <see cref="InstrumentOptions.Epsilon"/>, run to <see cref="InstrumentOptions.AscentTolerance"/> with at most
/// <see cref="InstrumentOptions.AscentSteps"/> steps. One maximisation per step, shared by
/// <see cref="EpsilonSharpness"/>, <see cref="EpsilonSharpnessError"/> and <see cref="EpsilonSharpnessSteps"/>.
/// </summary>
public sealed class SharpnessMaximisation
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;

    private SharpnessMaximisation(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
    }

    public static SharpnessMaximisation For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(("epsilon-sharpness", options.SharpnessExamples, options.Epsilon, options.AscentTolerance, options.AscentSteps),
            () => new SharpnessMaximisation(context, options));

    /// <summary>The maximisation at <paramref name="state"/>'s step (run once per step).</summary>
    public SharpnessResult Measure(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var eval = FullBatch.Eval(_context);
        var (losses, count) = FullBatch.ExampleLosses(_context, _options.SharpnessExamples);
        return SharpnessAscent.Measure(losses, count, _context.Parameters, _options.Epsilon, _options.AscentTolerance, _options.AscentSteps);
    });
}
