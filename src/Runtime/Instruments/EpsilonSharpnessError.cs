using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The standard error of <see cref="EpsilonSharpness"/> over the subset's examples (percent, same scale), from the same
/// maximisation (see <see cref="Numerics.SharpnessResult.StandardError"/>).
/// </summary>
public sealed class EpsilonSharpnessError(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly SharpnessMaximisation _maximisation = SharpnessMaximisation.For(context, options);

    public override double Measure(TrainingState state) => _maximisation.Measure(state).StandardError;
}
