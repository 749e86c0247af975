using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

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
