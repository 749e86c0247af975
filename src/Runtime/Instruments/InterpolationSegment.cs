using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The loss on the segment between consecutive iterates, L(θ_t + α(θ_{t+1} − θ_t)) over the alpha grid (F1,
/// Xing et al. 2018). Measured on the fixed training subset, not on the step's batch: the update is a descent
/// step on that batch, so the batch's own profile falls from α = 0 by construction and says nothing about
/// the valley of the training loss; the fixed subset is the same function at every step, so profiles are
/// comparable over training. One profile per step, shared by the three interpolation instruments.
/// </summary>
public sealed class InterpolationSegment
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly double[] _alphas;

    private InterpolationSegment(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _alphas = LineProfile.Grid(options.AlphaFrom, options.AlphaTo, options.AlphaPoints);
        Previous = PreviousIterate.For(context, options.Cadence);
    }

    public PreviousIterate Previous { get; }
    public double[] Alphas => _alphas;

    public static InterpolationSegment For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(("interpolation", (object?)options.Cadence ?? "every step", options.AlphaFrom, options.AlphaTo, options.AlphaPoints, options.FullBatchExamples),
            () => new InterpolationSegment(context, options));

    public LineProfileResult Measure(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var eval = FullBatch.Eval(_context);
        using var scope = NewDisposeScope();
        var before = ParameterVector.Flatten(Previous.ValuesBefore(state));
        var after = ParameterVector.Flatten(_context.Parameters);
        return LineProfile.Measure(FullBatch.Loss(_context, _options.FullBatchExamples), _context.Parameters, before, after - before, _alphas);
    });
}
