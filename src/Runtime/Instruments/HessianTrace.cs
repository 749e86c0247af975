using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// tr(H) of the full-batch loss on the fixed subset by Hutchinson's estimator with <see cref="InstrumentOptions.Samples"/> Rademacher probes from its own generator.
/// The estimate is made on the member's gradient graph of the step (<see cref="InstrumentPack.Graph"/>, shared with the other
/// Hessian instruments and the gradient norm due then), once per step for every trace instrument of the trial with these options.
/// </summary>
public sealed class HessianTrace : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Estimate _estimate;

    public HessianTrace(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _estimate = context.Shared(("hessian-trace", options.FullBatchExamples, Math.Max(1, options.Samples), options.Seed), () => new Estimate(options.Seed));
    }

    public override double Measure(TrainingState state)
    {
        if (_estimate.Step == state.Step) return _estimate.Value;
        var hvp = _context.Pack.Graph(_options.FullBatchExamples, state.Step, _context.PackMember).Product;
        var value = Hutchinson.Probes(hvp.ApplyBlocks, hvp.Dimension, Math.Max(1, _options.Samples), [_estimate.Generator])[0].Average();
        _estimate.Step = state.Step;
        _estimate.Value = value;
        return value;
    }

    /// <summary>The trial's probe generator (seed + 1) and its estimate at the last step it was made.</summary>
    private sealed class Estimate(long seed) : IDisposable
    {
        public Generator Generator { get; } = new((ulong)seed + 1);
        public long Step { get; set; } = long.MinValue;
        public double Value { get; set; }

        public void Dispose() => Generator.Dispose();
    }
}
