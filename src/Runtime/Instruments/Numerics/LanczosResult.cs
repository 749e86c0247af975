using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>The k algebraically largest eigenvalues of a symmetric operator, with their unit eigenvectors.</summary>
public sealed class LanczosResult : IDisposable
{
    internal LanczosResult(double[] values, double[] residuals, Tensor vectors, int products)
    {
        Values = values;
        Residuals = residuals;
        Vectors = vectors;
        Products = products;
    }

    /// <summary>Ritz values, largest first.</summary>
    public double[] Values { get; }

    /// <summary>Residual norms ‖H y − θ y‖ of the Ritz pairs (the Lanczos bound β_m |s_m,i|).</summary>
    public double[] Residuals { get; }

    /// <summary>Ritz vectors as rows [k, n], float64, unit norm; the sign makes the largest-magnitude entry positive.</summary>
    public Tensor Vectors { get; }

    /// <summary>The number of operator applications (Hessian-vector products) the run used: one per Lanczos step.</summary>
    public int Products { get; }

    /// <summary>
    /// Whether the run stopped at the tolerance (every wanted Ritz pair's residual within it, or an invariant Krylov space);
    /// false when it stopped at its cap on products first (its values are then less accurate than asked).
    /// </summary>
    public bool ReachedTolerance { get; internal init; } = true;

    public void Dispose() => Vectors.Dispose();
}
