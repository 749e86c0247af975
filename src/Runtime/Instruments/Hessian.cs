using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Top-k eigenpairs of the Hessian of the full-batch loss on the fixed training subset, by Lanczos with full
/// re-orthogonalisation on Hessian-vector products (double backward), relative residual tolerance
/// <see cref="InstrumentOptions.LanczosTolerance"/> (default 1e-4), at most <see cref="InstrumentOptions.LanczosIterations"/>
/// products (default max(20, 3k + 10)). The start
/// vector comes from its own generator. One run per step, shared by <see cref="HessianTopEigenvalues"/> and
/// <see cref="LossAlongTopEigenvector"/>.
/// </summary>
public sealed class HessianSpectrum : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Generator _generator;

    private HessianSpectrum(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _generator = new Generator((ulong)options.Seed);
    }

    public static HessianSpectrum For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(("hessian-spectrum", Math.Max(1, options.TopK), options.Examples, options.Seed, options.LanczosTolerance, options.LanczosIterations), () => new HessianSpectrum(context, options));

    public LanczosResult Measure(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var eval = FullBatch.Eval(_context);
        using var hvp = new HessianVectorProduct(FullBatch.Loss(_context, _options.Examples), _context.Parameters);
        var k = Math.Max(1, _options.TopK);
        var iterations = _options.LanczosIterations > 0 ? _options.LanczosIterations : Lanczos.DefaultIterations(k, hvp.Dimension);
        return Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, k, iterations, _options.LanczosTolerance, _generator);
    });

    public void Dispose() => _generator.Dispose();
}

/// <summary>The k = <see cref="InstrumentOptions.TopK"/> largest Hessian eigenvalues on the fixed subset, largest first (see <see cref="HessianSpectrum"/>).</summary>
public sealed class HessianTopEigenvalues : IVectorInstrument, ICostReporting
{
    private readonly HessianSpectrum _spectrum;
    private readonly CostMeter _cost = new();

    public HessianTopEigenvalues(InstrumentContext context, InstrumentOptions options)
    {
        _spectrum = HessianSpectrum.For(context, options);
        Length = Math.Max(1, options.TopK);
        Labels = Enumerable.Range(1, Length).Select(i => $"λ{i}").ToArray();
    }

    public string Name => nameof(HessianTopEigenvalues);
    public int Length { get; }
    public IReadOnlyList<string> Labels { get; }
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double[] Measure(TrainingState state) => _cost.Time(() => _spectrum.Measure(state).Values.ToArray());
}

/// <summary>
/// The loss on the fixed subset along the top Hessian eigenvector, L(θ_t + α v₁) for α on the alpha grid,
/// v₁ of unit norm with its largest-magnitude entry positive (so α is a distance in parameter space).
/// </summary>
public sealed class LossAlongTopEigenvector : IVectorInstrument, ICostReporting
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly HessianSpectrum _spectrum;
    private readonly double[] _alphas;
    private readonly CostMeter _cost = new();

    public LossAlongTopEigenvector(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _spectrum = HessianSpectrum.For(context, options);
        _alphas = LineProfile.Grid(options.AlphaFrom, options.AlphaTo, options.AlphaPoints);
        Labels = FullBatch.AlphaLabels(_alphas);
    }

    public string Name => nameof(LossAlongTopEigenvector);
    public int Length => _alphas.Length;
    public IReadOnlyList<string> Labels { get; }
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double[] Measure(TrainingState state) => _cost.Time(() =>
    {
        var spectrum = _spectrum.Measure(state);
        using var eval = FullBatch.Eval(_context);
        using var scope = NewDisposeScope();
        var origin = ParameterVector.Flatten(_context.Parameters);
        return LineProfile.Measure(FullBatch.Loss(_context, _options.Examples), _context.Parameters, origin, spectrum.Vectors[0], _alphas).Losses;
    });
}

/// <summary>tr(H) of the full-batch loss on the fixed subset by Hutchinson's estimator with <see cref="InstrumentOptions.Samples"/> Rademacher probes from its own generator.</summary>
public sealed class HessianTrace : IInstrument, ICostReporting
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Generator _generator;
    private readonly CostMeter _cost = new();

    public HessianTrace(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _generator = new Generator((ulong)options.Seed + 1);
    }

    public string Name => nameof(HessianTrace);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        using var eval = FullBatch.Eval(_context);
        using var hvp = new HessianVectorProduct(FullBatch.Loss(_context, _options.Examples), _context.Parameters);
        return Hutchinson.Trace(hvp.Apply, hvp.Dimension, Math.Max(1, _options.Samples), _generator);
    });

    public void Dispose() => _generator.Dispose();
}
