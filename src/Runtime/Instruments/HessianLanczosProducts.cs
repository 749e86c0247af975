using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The Hessian-vector products of the step's Lanczos run (<see cref="HessianSpectrum"/>, the run that
/// <see cref="HessianTopEigenvalues"/> and <see cref="LossAlongTopEigenvector"/> read): positive when it reached its tolerance,
/// −products when it stopped at its cap (<see cref="InstrumentOptions.LanczosIterations"/>) first (so a cap hit is never silent).
/// </summary>
public sealed class HessianLanczosProducts(InstrumentContext context, InstrumentOptions options) : ScalarInstrument
{
    private readonly HessianSpectrum _spectrum = HessianSpectrum.For(context, options);

    public override double Measure(TrainingState state)
    {
        var result = _spectrum.Measure(state);
        return result.ReachedTolerance ? result.Products : -result.Products;
    }
}
