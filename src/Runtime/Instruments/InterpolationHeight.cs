using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>L(θ_t) − L(θ_t + α*(θ_{t+1} − θ_t)): the height of θ_t above the floor of the segment (F1).</summary>
public sealed class InterpolationHeight(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly InterpolationSegment _segment = InterpolationSegment.For(context, options);

    public override double Measure(TrainingState state) => _segment.Measure(state).Height;
}
