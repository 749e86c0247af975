using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The ascent steps of <see cref="EpsilonSharpness"/>'s maximisation: positive when it converged, −steps when it stopped
/// at the <see cref="InstrumentOptions.AscentSteps"/> cap without converging (so a cap hit is never silent).
/// </summary>
public sealed class EpsilonSharpnessSteps(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly SharpnessMaximisation _maximisation = SharpnessMaximisation.For(context, options);

    public override double Measure(TrainingState state)
    {
        var result = _maximisation.Measure(state);
        return result.Converged ? result.Steps : -result.Steps;
    }
}
