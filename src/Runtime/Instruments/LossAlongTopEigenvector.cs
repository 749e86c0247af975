using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The loss on the fixed subset along the top Hessian eigenvector, L(θ_t + α v₁) for α on the alpha grid,
/// v₁ of unit norm with its largest-magnitude entry positive (so α is a distance in parameter space).
/// </summary>
public sealed class LossAlongTopEigenvector : VectorInstrument
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly HessianSpectrum _spectrum;
    private readonly double[] _alphas;

    public LossAlongTopEigenvector(InstrumentContext context, InstrumentOptions options)
        : this(context, options, LineProfile.Grid(options.AlphaFrom, options.AlphaTo, options.AlphaPoints))
    {
    }

    private LossAlongTopEigenvector(InstrumentContext context, InstrumentOptions options, double[] alphas)
        : base(FullBatch.AlphaLabels(alphas))
    {
        _context = context;
        _options = options;
        _spectrum = HessianSpectrum.For(context, options);
        _alphas = alphas;
    }

    public override double[] Measure(TrainingState state)
    {
        var spectrum = _spectrum.Measure(state);
        using var eval = FullBatch.Eval(_context);
        using var scope = NewDisposeScope();
        var origin = ParameterVector.Flatten(_context.Parameters);
        return LineProfile.Measure(FullBatch.Loss(_context, _options.FullBatchExamples), _context.Parameters, origin, spectrum.Vectors[0], _alphas).Losses;
    }
}
