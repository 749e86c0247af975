using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>‖θ_{t+1} − θ_t‖ of the step just taken, in float64 (θ_t is copied in the BeforeUpdate hook only before measured steps).</summary>
public sealed class UpdateNorm(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly PreviousIterate _previous = PreviousIterate.For(context, options.Cadence);

    public override double Measure(TrainingState state) => _previous.UpdateNorm(state);
}
