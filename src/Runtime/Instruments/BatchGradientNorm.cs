using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖g_t‖ of the mini-batch gradient the optimizer applies at step t, read from <c>.grad</c> in the
/// BeforeUpdate hook (free: no extra pass). Before any weight decay or momentum the optimizer adds.
/// </summary>
public sealed class BatchGradientNorm : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;
    private double _value = double.NaN;
    private long _step = -1;

    public BatchGradientNorm(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _cadence = options.Cadence;
        context.ObserveUpdates(_cadence, OnBeforeUpdate);
    }

    private void OnBeforeUpdate(TrainingState state)
    {
        if (_cadence is not null && !state.IsDueNext(_cadence)) return;
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
    }

    public override double Measure(TrainingState state) => _step == state.Step ? _value : double.NaN;

    public override void Dispose() => _context.StopObservingUpdates(_cadence, OnBeforeUpdate);
}
