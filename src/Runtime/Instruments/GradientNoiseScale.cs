using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The simple gradient noise scale B_noise = tr(Σ)/‖G‖² (McCandlish et al. 2018), from <see cref="InstrumentOptions.Samples"/> mini-batches; NaN when noise hides the mean gradient.</summary>
public sealed class GradientNoiseScale(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly GradientNoiseSampler _sampler = GradientNoiseSampler.For(context, options);

    public override double Measure(TrainingState state) => _sampler.Measure(state).NoiseScale;
}
