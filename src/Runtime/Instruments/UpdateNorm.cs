using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// ‖θ_{t+1} − θ_t‖ of the step just taken, read from what the engine computed for the step
/// (<see cref="TrainingState.UpdateNormSquared"/>: η‖direction‖ for the SGD family, the difference around the optimizer's
/// step otherwise), accumulated in float64. NaN at a step its cadence did not make due.
/// </summary>
public sealed class UpdateNorm : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;

    public UpdateNorm(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _cadence = options.Cadence;
        context.RequestStepNorms(_cadence);
    }

    public override double Measure(TrainingState state) =>
        state.UpdateNormSquared is { } squared ? Math.Sqrt(squared.item<double>()) : double.NaN;

    public override void Dispose() => _context.StopRequestingStepNorms(_cadence);
}
