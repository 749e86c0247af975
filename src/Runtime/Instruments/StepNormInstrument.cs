using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Base of the instruments that read a norm the engine computed with the step (<see cref="TrainingState.AppliedGradientNormSquared"/>,
/// <see cref="TrainingState.UpdateNormSquared"/>): it asks the context for the step's norms at its cadence and reads the square
/// root. NaN at a step its cadence did not make due.
/// </summary>
public abstract class StepNormInstrument : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;

    protected StepNormInstrument(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _cadence = options.Cadence;
        context.RequestStepNorms(_cadence);
    }

    /// <summary>The squared norm this instrument reports, as the step's state holds it (null when not computed).</summary>
    protected abstract Tensor? SquaredNorm(TrainingState state);

    public sealed override double Measure(TrainingState state) => SquaredNorm(state) is { } squared ? Math.Sqrt(squared.item<double>()) : double.NaN;

    public override void Dispose() => _context.StopRequestingStepNorms(_cadence);
}
