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
/// The run is made on the step's gradient graph of the member's pack (<see cref="InstrumentPack.Graph"/>), for the members in
/// that graph at once, in lockstep (one batched Hessian-vector product per iteration), each from its own start (its own
/// previous Ritz vectors and generator) with its own recurrence and stopping rule, so each gets what its run alone gives; the
/// pack builds one member's graph at a time. A member whose run was made but not read has its generator rolled back.
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
    private bool _read;
    private Tensor? _generatorState;

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
        if (_result is null || _resultStep != state.Step)
        {
            var pack = _context.Pack;
            pack.Shared(("pack", Key(_options)), () => new PackRuns(pack, _options)).Run(state.Step, _context.PackMember);
        }
        var result = _result!;
        if (!_read)
        {
            _read = true;
            _generatorState?.Dispose();
            _generatorState = null;
            if (_options.LanczosWarmStart && result.Values.All(double.IsFinite))
            {
                _previous?.Dispose();
                using var noGrad = no_grad();
                _previous = result.Vectors.clone().DetachFromDisposeScope();
            }
        }
        return result;
    }

    /// <summary>
    /// Before a run: forgets the previous step's run (rolling the generator back if nobody read it) and returns this run's start,
    /// drawn as the member's run alone draws it.
    /// </summary>
    private Tensor Start(long n)
    {
        Forget();
        _generatorState = _generator.get_state().DetachFromDisposeScope();
        return _previous is null ? randn([n], dtype: ScalarType.Float64, generator: _generator) : Lanczos.WarmStart(_previous, _generator);
    }

    private void Forget()
    {
        if (_result is not null && !_read && _generatorState is not null) _generator.set_state(_generatorState);
        _generatorState?.Dispose();
        _generatorState = null;
        _result?.Dispose();
        _result = null;
    }

    private void Receive(long step, LanczosResult result)
    {
        _result = result;
        _resultStep = step;
        _read = false;
    }

    public void Dispose()
    {
        _result?.Dispose();
        _generatorState?.Dispose();
        _previous?.Dispose();
        _generator.Dispose();
    }

    /// <summary>The pack's runs for one set of options: at a step, one lockstep Lanczos over the members in the step's graph.</summary>
    private sealed class PackRuns(InstrumentPack pack, InstrumentOptions options)
    {
        public void Run(long step, int asker)
        {
            var graph = pack.Graph(options.FullBatchExamples, step, asker);
            var hvp = graph.Product;
            var spectra = graph.Members.Select(m => For(pack[m], options)).ToArray();
            var k = Math.Max(1, options.TopK);
            var iterations = options.LanczosIterations > 0 ? options.LanczosIterations : Lanczos.DefaultIterations(k, hvp.Dimension);
            LanczosResult[] results;
            using (var scope = NewDisposeScope())
            {
                var starts = stack(spectra.Select(s => s.Start(hvp.Dimension)).ToArray());
                results = Lanczos.TopEigenpairs(hvp.ApplyBlocks, hvp.Dimension, k, iterations, options.LanczosTolerance, starts);
            }
            for (var i = 0; i < spectra.Length; i++) spectra[i].Receive(step, results[i]);
        }
    }
}
