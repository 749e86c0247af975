using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>tr Cov(g_B) = E‖g_B − G‖²: the variance (trace of the covariance) of a mini-batch gradient at the trial's batch size, from <see cref="InstrumentOptions.Samples"/> mini-batches.</summary>
public sealed class GradientVariance(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly GradientNoiseSampler _sampler = GradientNoiseSampler.For(context, options);

    public override double Measure(TrainingState state) => _sampler.Measure(state).BatchVariance;
}
