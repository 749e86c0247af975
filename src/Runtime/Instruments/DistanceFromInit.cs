using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>‖θ_t − θ_0‖ over all parameters. θ_0 is copied when the instrument is created.</summary>
public sealed class DistanceFromInit(InstrumentContext context) : ScalarInstrument
{
    private readonly InitialWeights _initial = InitialWeights.For(context);

    public double InitialNorm => _initial.Norm;

    public override double Measure(TrainingState state) => _initial.Distance(state);
}
