using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Hutchinson's trace estimator: tr(H) ≈ (1/S) Σ_s v_sᵀ H v_s with Rademacher probes v_s (entries ±1),
/// drawn from the caller's generator. Exact for a diagonal H; unbiased otherwise, with variance
/// 2 Σ_{i≠j} H_ij² / S.
/// </summary>
public static class Hutchinson
{
    /// <summary>The per-probe values v_sᵀ H v_s (their mean is the estimate).</summary>
    public static double[] Probes(Func<Tensor, Tensor> apply, long n, int samples, Generator generator)
    {
        var result = new double[samples];
        for (var s = 0; s < samples; s++)
        {
            using var scope = NewDisposeScope();
            var v = Rademacher(n, generator);
            result[s] = ParameterVector.Dot(v, apply(v));
        }
        return result;
    }

    public static double Trace(Func<Tensor, Tensor> apply, long n, int samples, Generator generator) =>
        Probes(apply, n, samples, generator).Average();

    /// <summary>A vector of n independent ±1 entries (float64).</summary>
    public static Tensor Rademacher(long n, Generator generator)
    {
        using var scope = NewDisposeScope();
        return randint(0, 2, [n], dtype: ScalarType.Float64, generator: generator).mul_(2).sub_(1).MoveToOuterDisposeScope();
    }
}
