using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Lanczos iteration with full re-orthogonalisation (classical Gram–Schmidt applied twice against every
/// earlier Lanczos vector) on a symmetric operator given as a matrix-vector closure (here: Hessian-vector
/// products). Stops when every wanted Ritz pair has residual ≤ <c>tolerance · max(|θ_i|, ‖T‖·1e-12)</c>,
/// when the Krylov space is invariant (β ≈ 0), or after <c>maxIterations</c> products.
/// </summary>
public static class Lanczos
{
    /// <summary>Relative residual tolerance used by the instruments: eigenvalues to about 1e-4 relative (the residual bound squared over the gap bounds the eigenvalue error).</summary>
    public const double DefaultTolerance = 1e-4;

    /// <summary>
    /// The default cap on products: a safeguard, not a budget (a run stops at the tolerance). It was max(20, 3k + 10), and
    /// early in training, where the top eigenvalues are close together, runs hit it before the tolerance: EarlyPhaseSharpness's
    /// smoke eigenvalues were up to 9% off (a warm and a cold start then disagreed by that much; with room to converge they
    /// agree to 4e-8).
    /// </summary>
    public static int DefaultIterations(int k, long n) => (int)Math.Min(n, Math.Max(200, 3 * k + 10));

    /// <summary>Rows of the Lanczos basis allocated at the start; it doubles when a run needs more.</summary>
    private const int InitialBasisRows = 32;

    /// <summary>
    /// Weight of the random component of a warm start, relative to the previous Ritz vectors' sum: enough that an
    /// eigenvector that was not among the previous top k still has a component to grow from, small enough that the
    /// start lies close to the previous top-k subspace.
    /// </summary>
    public const double WarmStartNoise = 1e-2;

    /// <summary>Cold start: from a random vector of <paramref name="generator"/>.</summary>
    public static LanczosResult TopEigenpairs(Func<Tensor, Tensor> apply, long n, int k, int maxIterations, double tolerance, Generator generator)
    {
        using var start = randn([n], dtype: ScalarType.Float64, generator: generator);
        return TopEigenpairs(apply, n, k, maxIterations, tolerance, start);
    }

    /// <summary>
    /// A warm start from an earlier run's Ritz vectors (rows [k, n], unit norm): their sum, plus
    /// <see cref="WarmStartNoise"/> times a random unit vector of <paramref name="generator"/>. When the operator has
    /// changed little since, the start lies near its top-k invariant subspace and Lanczos reaches the tolerance in few
    /// products.
    /// </summary>
    public static Tensor WarmStart(Tensor previousVectors, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var n = previousVectors.shape[1];
        var sum = previousVectors.sum(dim: 0L); // not sum(0): a literal 0 binds to sum(ScalarType) as Byte
        var noise = randn([n], dtype: ScalarType.Float64, generator: generator);
        noise.mul_(WarmStartNoise * sum.norm().item<double>() / noise.norm().item<double>());
        return sum.add_(noise).MoveToOuterDisposeScope();
    }

    /// <summary>From a given start vector (any non-zero norm; it is normalised).</summary>
    public static LanczosResult TopEigenpairs(Func<Tensor, Tensor> apply, long n, int k, int maxIterations, double tolerance, Tensor start)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (start.numel() != n) throw new ArgumentException($"The start vector has {start.numel()} entries, the operator {n}.", nameof(start));
        var m = (int)Math.Min(Math.Max(maxIterations, k), n);
        k = (int)Math.Min(k, n);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The basis grows as the run needs it (a cap of hundreds of products must not allocate hundreds of vectors up front).
        var basis = zeros([Math.Min(m + 1, InitialBasisRows), n], dtype: ScalarType.Float64);
        var q = start.to_type(ScalarType.Float64).reshape(n);
        basis[0].copy_(q / q.norm());
        var alpha = new List<double>();
        var beta = new List<double>();
        double[] theta = [];
        double[,] s = new double[0, 0];
        var residuals = new double[k];
        var iterations = 0;
        for (var j = 0; j < m; j++)
        {
            using var inner = NewDisposeScope();
            var qj = basis[j];
            var w = apply(qj);
            var a = ParameterVector.Dot(w, qj);
            alpha.Add(a);
            // Full re-orthogonalisation against q_0..q_j (twice: "twice is enough").
            var span = basis.narrow(0, 0, j + 1);
            for (var pass = 0; pass < 2; pass++)
            {
                var coefficients = span.matmul(w);
                w.sub_(span.t().matmul(coefficients));
            }
            var b = ParameterVector.Norm(w);
            iterations = j + 1;
            (theta, s) = TridiagonalEigen(alpha, beta);
            var scale = theta.Select(Math.Abs).Max();
            var converged = j + 1 >= k;
            for (var i = 0; i < k && i < theta.Length; i++)
            {
                var idx = theta.Length - 1 - i;
                residuals[i] = Math.Abs(b * s[j, idx]);
                if (residuals[i] > tolerance * Math.Max(Math.Abs(theta[idx]), scale * 1e-12)) converged = false;
            }
            if (converged || b <= 1e-13 * Math.Max(scale, 1e-300) || j + 1 == m) break;
            beta.Add(b);
            if (j + 1 == basis.shape[0])
            {
                var grown = zeros([Math.Min(m + 1, 2 * basis.shape[0]), n], dtype: ScalarType.Float64).MoveToOuterDisposeScope();
                grown.narrow(0, 0, basis.shape[0]).copy_(basis);
                basis.Dispose();
                basis = grown;
            }
            basis[j + 1].copy_(w / b);
        }

        var values = new double[k];
        var count = iterations;
        var vectors = zeros([k, n], dtype: ScalarType.Float64);
        var span2 = basis.narrow(0, 0, count);
        for (var i = 0; i < k; i++)
        {
            var idx = count - 1 - i;
            if (idx < 0) { values[i] = double.NaN; continue; }
            values[i] = theta[idx];
            var coefficients = new double[count];
            for (var r = 0; r < count; r++) coefficients[r] = s[r, idx];
            var y = tensor(coefficients, dtype: ScalarType.Float64).matmul(span2);
            y.div_(y.norm());
            var largest = y.abs().argmax().item<long>();
            if (y[largest].item<double>() < 0) y.neg_();
            vectors[i].copy_(y);
        }
        return new LanczosResult(values, residuals, vectors.DetachFromDisposeScope(), iterations);
    }

    /// <summary>Eigen-decomposition of the symmetric tridiagonal matrix (alpha on the diagonal, beta off it); values ascending, vectors in columns.</summary>
    private static (double[] Values, double[,] Vectors) TridiagonalEigen(List<double> alpha, List<double> beta)
    {
        var m = alpha.Count;
        var t = new double[m * m];
        for (var i = 0; i < m; i++)
        {
            t[i * m + i] = alpha[i];
            if (i + 1 < m)
            {
                t[i * m + i + 1] = beta[i];
                t[(i + 1) * m + i] = beta[i];
            }
        }
        using var scope = NewDisposeScope();
        var (l, v) = linalg.eigh(tensor(t, [m, m], dtype: ScalarType.Float64));
        var values = l.data<double>().ToArray();
        var flat = v.contiguous().data<double>().ToArray();
        var vectors = new double[m, m];
        for (var r = 0; r < m; r++)
            for (var c = 0; c < m; c++) vectors[r, c] = flat[r * m + c];
        return (values, vectors);
    }
}
