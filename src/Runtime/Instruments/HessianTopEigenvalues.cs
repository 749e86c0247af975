using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The k = <see cref="InstrumentOptions.TopK"/> largest Hessian eigenvalues on the fixed subset, largest first (see <see cref="HessianSpectrum"/>).</summary>
public sealed class HessianTopEigenvalues(InstrumentContext context, InstrumentOptions options)
    : VectorInstrument(Enumerable.Range(1, Math.Max(1, options.TopK)).Select(i => $"λ{i}").ToArray())
{
    private readonly HessianSpectrum _spectrum = HessianSpectrum.For(context, options);

    public override double[] Measure(TrainingState state) => _spectrum.Measure(state).Values.ToArray();
}
