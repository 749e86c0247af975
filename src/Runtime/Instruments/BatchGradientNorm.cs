using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖g_t‖ of the mini-batch gradient the optimizer applies at step t (before any weight decay or momentum the optimizer
/// adds; with the gradient-norm penalty, the penalised objective's), read from what the engine computed for the step
/// (<see cref="TrainingState.AppliedGradientNormSquared"/>): no hook, no extra pass. NaN at a step its cadence did not
/// make due.
/// </summary>
public sealed class BatchGradientNorm : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;

    public BatchGradientNorm(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _cadence = options.Cadence;
        context.RequestStepNorms(_cadence);
    }

    public override double Measure(TrainingState state) =>
        state.AppliedGradientNormSquared is { } squared ? Math.Sqrt(squared.item<double>()) : double.NaN;

    public override void Dispose() => _context.StopRequestingStepNorms(_cadence);
}
