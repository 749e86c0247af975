using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;

namespace Declarative.Runtime.Instruments;

/// <summary>tr(H) of the full-batch loss on the fixed subset by Hutchinson's estimator with <see cref="InstrumentOptions.Samples"/> Rademacher probes from its own generator.</summary>
public sealed class HessianTrace(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly torch.Generator _generator = new((ulong)options.Seed + 1);

    public override double Measure(TrainingState state)
    {
        using var eval = FullBatch.Eval(context);
        using var hvp = new HessianVectorProduct(FullBatch.Loss(context, options.FullBatchExamples), context.Parameters);
        return Hutchinson.Trace(hvp.Apply, hvp.Dimension, Math.Max(1, options.Samples), _generator);
    }

    public override void Dispose() => _generator.Dispose();
}
