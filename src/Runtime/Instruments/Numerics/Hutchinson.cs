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
    public static double[] Probes(Func<Tensor, Tensor> apply, long n, int samples, Generator generator) =>
        Probes((v, _) =>
        {
            using var row = v[0];
            using var product = apply(row);
            return product.reshape(1, n);
        }, n, samples, [generator])[0];

    /// <summary>
    /// The per-probe values of K members at once on a block-diagonal operator (<paramref name="apply"/> maps [K, n] to [K, n],
    /// row k to H_k v_k): member k's probes come from <paramref name="generators"/>[k], in the order its run alone draws them,
    /// and each sample is one application to the K probes stacked.
    /// </summary>
    internal static double[][] Probes(Func<Tensor, IReadOnlyList<bool>, Tensor> apply, long n, int samples, IReadOnlyList<Generator> generators)
    {
        var members = generators.Count;
        var all = Enumerable.Repeat(true, members).ToArray();
        var result = Enumerable.Range(0, members).Select(_ => new double[samples]).ToArray();
        for (var s = 0; s < samples; s++)
        {
            using var scope = NewDisposeScope();
            var v = stack(generators.Select(g => Rademacher(n, g)).ToArray());
            var values = v.mul(apply(v, all)).sum(1).cpu().data<double>().ToArray();
            for (var m = 0; m < members; m++) result[m][s] = values[m];
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
