using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Top-k eigenpairs of the Hessian of the full-batch loss on the fixed training subset, by Lanczos with full
/// re-orthogonalisation on Hessian-vector products (double backward), relative residual tolerance
/// <see cref="InstrumentOptions.LanczosTolerance"/> (default 1e-4), at most <see cref="InstrumentOptions.LanczosIterations"/>
/// products (default <see cref="Lanczos.DefaultIterations"/>, a safeguard: runs stop at the tolerance). The first run starts from a random vector of the spectrum's own generator;
/// with <see cref="InstrumentOptions.LanczosWarmStart"/> (the default) every later run of the trial starts from the
/// previous run's Ritz vectors (<see cref="Lanczos.WarmStart"/>), since the Hessian changes little between measured
/// steps. One run per step, shared by <see cref="HessianTopEigenvalues"/> and <see cref="LossAlongTopEigenvector"/>.
/// </summary>
public sealed class HessianSpectrum : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Generator _generator;
    private Tensor? _previous;

    private HessianSpectrum(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _generator = new Generator((ulong)options.Seed);
    }

    public static HessianSpectrum For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(("hessian-spectrum", Math.Max(1, options.TopK), options.FullBatchExamples, options.Seed, options.LanczosTolerance, options.LanczosIterations, options.LanczosWarmStart),
            () => new HessianSpectrum(context, options));

    /// <summary>The eigenpairs at <paramref name="state"/>'s step (computed once per step); <see cref="LanczosResult.Products"/> is the run's cost.</summary>
    public LanczosResult Measure(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var eval = FullBatch.Eval(_context);
        using var hvp = new HessianVectorProduct(FullBatch.Loss(_context, _options.FullBatchExamples), _context.Parameters);
        var k = Math.Max(1, _options.TopK);
        var iterations = _options.LanczosIterations > 0 ? _options.LanczosIterations : Lanczos.DefaultIterations(k, hvp.Dimension);
        var result = _previous is null
            ? Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, k, iterations, _options.LanczosTolerance, _generator)
            : WarmRun(hvp, k, iterations, _previous);
        if (_options.LanczosWarmStart && result.Values.All(double.IsFinite))
        {
            _previous?.Dispose();
            using var noGrad = no_grad();
            _previous = result.Vectors.clone().DetachFromDisposeScope();
        }
        return result;
    });

    private LanczosResult WarmRun(HessianVectorProduct hvp, int k, int iterations, Tensor previous)
    {
        using var start = Lanczos.WarmStart(previous, _generator);
        return Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, k, iterations, _options.LanczosTolerance, start);
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _generator.Dispose();
    }
}
