using Declarative.Generators.Helpers;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Draws <see cref="InstrumentOptions.Samples"/> mini-batches of the trial's batch size from the training
/// examples (each without replacement, independently of the others, from the instrument's own random stream seeded by
/// <see cref="InstrumentOptions.Seed"/>) and estimates the gradient noise; one result per step, shared by
/// <see cref="GradientVariance"/> and <see cref="GradientNoiseScale"/>. Evaluation mode, like the other full-batch
/// instruments. A batch is drawn by Floyd's algorithm (B draws, not a permutation of the whole training set, which cost
/// more than the batch's forward and backward pass).
/// </summary>
public sealed class GradientNoiseSampler
{
    private readonly InstrumentContext _context;
    private readonly int _samples;
    private ulong _state;

    private GradientNoiseSampler(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _samples = Math.Max(2, options.Samples);
        _state = (ulong)options.Seed;
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
            using var index = tensor(Draw(ref _state, n, batch)).to(_context.Data.TrainInputs.device);
            var x = _context.Data.TrainInputs.index_select(0, index);
            var y = _context.Data.TrainLabels.index_select(0, index);
            losses.Add(FullBatch.Loss(_context.Model, x, y));
        }
        return GradientNoise.Estimate(losses, _context.Parameters, batch);
    });

    /// <summary>
    /// <paramref name="count"/> distinct indices in [0, <paramref name="n"/>), uniformly among all such sets (Floyd's algorithm),
    /// in the order drawn, from the SplitMix64 stream whose state is <paramref name="state"/> (advanced): a fixed algorithm, so a
    /// seed gives the same batches on every platform and .NET version.
    /// </summary>
    internal static long[] Draw(ref ulong state, long n, int count)
    {
        if (count < 0 || count > n) throw new ArgumentOutOfRangeException(nameof(count), count, $"Cannot draw {count} distinct indices from {n}.");
        var chosen = new HashSet<long>(count);
        var order = new long[count];
        var i = 0;
        for (var j = n - count; j < n; j++)
        {
            var t = Below(ref state, (ulong)j + 1);
            var pick = chosen.Contains(t) ? j : t; // j is not yet chosen: every earlier pick is below j
            chosen.Add(pick);
            order[i++] = pick;
        }
        return order;
    }

    /// <summary>A uniform integer in [0, bound) by rejection (no modulo bias).</summary>
    private static long Below(ref ulong state, ulong bound)
    {
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = SplitMix64.Next(ref state); while (x >= limit);
        return (long)(x % bound);
    }
}
