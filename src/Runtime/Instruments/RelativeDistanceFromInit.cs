using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>‖θ_t − θ_0‖ / ‖θ_0‖.</summary>
public sealed class RelativeDistanceFromInit(InstrumentContext context) : ScalarInstrument
{
    private readonly InitialWeights _initial = InitialWeights.For(context);

    public override double Measure(TrainingState state) => _initial.Distance(state) / _initial.Norm;
}
