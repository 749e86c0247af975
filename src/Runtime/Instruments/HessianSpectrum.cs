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
/// <para>
/// The run is made on the member's gradient graph of the step (<see cref="InstrumentPack.Graph"/>, shared with the other
/// Hessian instruments and the gradient norm due then), as a block of one for the block operator and lockstep Lanczos.
/// </para>
/// </summary>
public sealed class HessianSpectrum : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Generator _generator;
    private Tensor? _previous;
    private LanczosResult? _result;
    private long _resultStep = long.MinValue;

    private HessianSpectrum(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _generator = new Generator((ulong)options.Seed);
    }

    private static object Key(InstrumentOptions options) =>
        ("hessian-spectrum", Math.Max(1, options.TopK), options.FullBatchExamples, options.Seed, options.LanczosTolerance, options.LanczosIterations, options.LanczosWarmStart);

    public static HessianSpectrum For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(Key(options), () => new HessianSpectrum(context, options));

    /// <summary>The eigenpairs at <paramref name="state"/>'s step (computed once per step); <see cref="LanczosResult.Products"/> is the run's cost.</summary>
    public LanczosResult Measure(TrainingState state)
    {
        if (_result is not null && _resultStep == state.Step) return _result;
        var hvp = _context.Pack.Graph(_options.FullBatchExamples, state.Step, _context.PackMember).Product;
        var k = Math.Max(1, _options.TopK);
        var iterations = _options.LanczosIterations > 0 ? _options.LanczosIterations : Lanczos.DefaultIterations(k, hvp.Dimension);
        _result?.Dispose();
        _result = null;
        using (var scope = NewDisposeScope())
        {
            var start = _previous is null ? randn([hvp.Dimension], dtype: ScalarType.Float64, generator: _generator) : Lanczos.WarmStart(_previous, _generator);
            _result = Lanczos.TopEigenpairs(hvp.ApplyBlocks, hvp.Dimension, k, iterations, _options.LanczosTolerance, start.unsqueeze(0))[0];
        }
        _resultStep = state.Step;
        if (_options.LanczosWarmStart && _result.Values.All(double.IsFinite))
        {
            _previous?.Dispose();
            using var noGrad = no_grad();
            _previous = _result.Vectors.clone().DetachFromDisposeScope();
        }
        return _result;
    }

    public void Dispose()
    {
        _result?.Dispose();
        _previous?.Dispose();
        _generator.Dispose();
    }
}
