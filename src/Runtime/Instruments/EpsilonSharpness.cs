using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>Keskar et al.'s ε-sharpness (percent) of the loss on the fixed subset (see <see cref="SharpnessMaximisation"/>).</summary>
public sealed class EpsilonSharpness(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly SharpnessMaximisation _maximisation = SharpnessMaximisation.For(context, options);

    public override double Measure(TrainingState state) => _maximisation.Measure(state).Sharpness;
}
