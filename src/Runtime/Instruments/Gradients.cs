using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖g_t‖ of the mini-batch gradient the optimizer applies at step t, read from <c>.grad</c> in the
/// BeforeUpdate hook (free: no extra pass). Before any weight decay or momentum the optimizer adds.
/// </summary>
public sealed class BatchGradientNorm : IInstrument, ICostReporting
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;
    private readonly CostMeter _cost = new();
    private double _value = double.NaN;
    private long _step = -1;

    public BatchGradientNorm(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _cadence = options.Cadence;
        context.ObserveUpdates(_cadence, OnBeforeUpdate);
    }

    public string Name => nameof(BatchGradientNorm);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    private void OnBeforeUpdate(TrainingState state)
    {
        if (_cadence is not null && !state.IsDueNext(_cadence)) return;
        _cost.TimeHook(() =>
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var sum = 0.0;
            foreach (var p in _context.Parameters)
            {
                var g = p.grad;
                if (g is not null) sum += InitialWeights.SquaredNorm(g);
            }
            _value = Math.Sqrt(sum);
            _step = state.Step + 1;
        });
    }

    public double Measure(TrainingState state) => _cost.Time(() => _step == state.Step ? _value : double.NaN);

    public void Dispose() => _context.StopObservingUpdates(_cadence, OnBeforeUpdate);
}

/// <summary>‖∇L(θ_t)‖ of the full-batch loss on the fixed training subset (<see cref="InstrumentOptions.Examples"/>), evaluation mode; one forward-backward pass.</summary>
public sealed class GradientNorm(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();

    public string Name => nameof(GradientNorm);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        using var eval = FullBatch.Eval(context);
        using var g = ParameterVector.Gradient(FullBatch.Loss(context, options.Examples), context.Parameters, out _);
        return ParameterVector.Norm(g);
    });
}

/// <summary>
/// Draws <see cref="InstrumentOptions.Samples"/> mini-batches of the trial's batch size from the training
/// examples (each without replacement, from its own generator) and estimates the gradient noise; one
/// result per step, shared by <see cref="GradientVariance"/> and <see cref="GradientNoiseScale"/>.
/// Evaluation mode, like the other full-batch instruments.
/// </summary>
public sealed class GradientNoiseSampler : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly int _samples;
    private readonly Generator _generator;

    private GradientNoiseSampler(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _samples = Math.Max(2, options.Samples);
        _generator = new Generator((ulong)options.Seed);
    }

    public static GradientNoiseSampler For(InstrumentContext context, InstrumentOptions options) =>
        context.Shared(("gradient-noise", options.Samples, options.Seed), () => new GradientNoiseSampler(context, options));

    public GradientNoiseResult Measure(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var eval = FullBatch.Eval(_context);
        using var scope = NewDisposeScope();
        var n = _context.Data.TrainCount;
        var batch = Math.Min(state.DeclaredBatchSize > 0 ? state.DeclaredBatchSize : n, n);
        var losses = new List<LossFunction>();
        for (var s = 0; s < _samples; s++)
        {
            var index = randperm(n, generator: _generator).narrow(0, 0, batch).to(_context.Data.TrainInputs.device);
            var x = _context.Data.TrainInputs.index_select(0, index);
            var y = _context.Data.TrainLabels.index_select(0, index);
            losses.Add(FullBatch.Loss(_context.Model, x, y));
        }
        return GradientNoise.Estimate(losses, _context.Parameters, batch);
    });

    public void Dispose() => _generator.Dispose();
}

/// <summary>tr Cov(g_B) = E‖g_B − G‖²: the variance (trace of the covariance) of a mini-batch gradient at the trial's batch size, from <see cref="InstrumentOptions.Samples"/> mini-batches.</summary>
public sealed class GradientVariance(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly GradientNoiseSampler _sampler = GradientNoiseSampler.For(context, options);
    private readonly CostMeter _cost = new();

    public string Name => nameof(GradientVariance);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;
    public double Measure(TrainingState state) => _cost.Time(() => _sampler.Measure(state).BatchVariance);
}

/// <summary>The simple gradient noise scale B_noise = tr(Σ)/‖G‖² (McCandlish et al. 2018), from <see cref="InstrumentOptions.Samples"/> mini-batches; NaN when noise hides the mean gradient.</summary>
public sealed class GradientNoiseScale(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly GradientNoiseSampler _sampler = GradientNoiseSampler.For(context, options);
    private readonly CostMeter _cost = new();

    public string Name => nameof(GradientNoiseScale);
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;
    public double Measure(TrainingState state) => _cost.Time(() => _sampler.Measure(state).NoiseScale);
}

/// <summary>The trial's declared learning rate over its declared batch size, lr/B (Jastrzebski et al. 2017), as its training state holds them.</summary>
public sealed class LearningRateOverBatchSize(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public string Name => nameof(LearningRateOverBatchSize);
    public double Measure(TrainingState state) => _cost.Time(() => state.DeclaredLearningRate / state.DeclaredBatchSize);
}
