using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The loss profile on the segment θ_t + α(θ_{t+1} − θ_t), one entry per alpha of the grid (see <see cref="InterpolationSegment"/>).</summary>
public sealed class InterpolationProfile : VectorInstrument
{
    private readonly InterpolationSegment _segment;

    public InterpolationProfile(InstrumentContext context, InstrumentOptions options) : this(InterpolationSegment.For(context, options))
    {
    }

    private InterpolationProfile(InterpolationSegment segment) : base(FullBatch.AlphaLabels(segment.Alphas)) => _segment = segment;

    public override double[] Measure(TrainingState state) => _segment.Measure(state).Losses.ToArray();
}
