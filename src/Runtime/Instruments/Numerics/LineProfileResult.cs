namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>The loss along a line θ(α) = origin + α·direction over a grid, with the refined minimum.</summary>
public sealed record LineProfileResult(double[] Alphas, double[] Losses, double AlphaStar, double LossAtAlphaStar, double LossAtZero)
{
    /// <summary>L(θ(0)) − L(θ(α*)): how high the origin sits above the floor of the line (≥ 0 up to the refinement).</summary>
    public double Height => LossAtZero - LossAtAlphaStar;
}
