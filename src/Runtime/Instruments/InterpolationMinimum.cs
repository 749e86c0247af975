using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>α*: where the loss on the segment between consecutive iterates is lowest (grid minimum refined by a parabola).</summary>
public sealed class InterpolationMinimum(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly InterpolationSegment _segment = InterpolationSegment.For(context, options);

    public override double Measure(TrainingState state) => _segment.Measure(state).AlphaStar;
}
