namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Gradient noise from S mini-batch gradients g_1..g_S of batch size B (McCandlish et al. 2018, "An
/// empirical model of large-batch training"):
/// <list type="bullet">
/// <item>BatchVariance = Σ_s ‖g_s − ḡ‖² / (S − 1): the trace of the covariance of a mini-batch gradient, tr(Σ)/B;</item>
/// <item>TraceSigma = B · BatchVariance: tr(Σ) of the per-example gradient covariance;</item>
/// <item>GradientNormSquared = ‖ḡ‖² − BatchVariance / S: an unbiased estimate of ‖G‖² (may be ≤ 0 when noise dominates);</item>
/// <item>NoiseScale = tr(Σ) / ‖G‖² (B_simple), NaN when the estimate of ‖G‖² is not positive.</item>
/// </list>
/// </summary>
public sealed record GradientNoiseResult(double BatchVariance, double TraceSigma, double GradientNormSquared, double MeanGradientNormSquared)
{
    public double NoiseScale => GradientNormSquared > 0 ? TraceSigma / GradientNormSquared : double.NaN;
}
