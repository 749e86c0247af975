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
        if (start.numel() != n) throw new ArgumentException($"The start vector has {start.numel()} entries, the operator {n}.", nameof(start));
        using var starts = start.reshape(1, n);
        return TopEigenpairs((v, _) =>
        {
            using var row = v[0];
            using var product = apply(row);
            return product.reshape(1, n);
        }, n, k, maxIterations, tolerance, starts)[0];
    }

    /// <summary>
    /// K independent runs in lockstep, one per row of <paramref name="starts"/> ([K, n], any non-zero norms) on a block-diagonal
    /// operator: <paramref name="apply"/> maps a block vector [K, n] to [K, n], row k to H_k v_k, and is asked only for the rows
    /// whose flag is set (the runs still going; the other rows of its result are ignored). Each run keeps its own tridiagonal
    /// recurrence, re-orthogonalisation (batched over the runs: <c>bmm</c>) and stopping rule, and stops at its own convergence
    /// or cap: its result is the one it gives alone (up to the rounding of the batched products).
    /// </summary>
    internal static LanczosResult[] TopEigenpairs(Func<Tensor, IReadOnlyList<bool>, Tensor> apply, long n, int k, int maxIterations, double tolerance, Tensor starts)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (starts.dim() != 2 || starts.shape[1] != n) throw new ArgumentException($"The start vectors are [{string.Join(", ", starts.shape)}], the operator needs [K, {n}].", nameof(starts));
        var runs = (int)starts.shape[0];
        var m = (int)Math.Min(Math.Max(maxIterations, k), n);
        k = (int)Math.Min(k, n);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The basis grows as the runs need it (a cap of hundreds of products must not allocate hundreds of vectors up front).
        var basis = zeros([runs, Math.Min(m + 1, InitialBasisRows), n], dtype: ScalarType.Float64, device: starts.device);
        for (var r = 0; r < runs; r++)
        {
            var q = starts[r].to_type(ScalarType.Float64);
            basis[r, 0].copy_(q / q.norm());
        }
        var alpha = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var beta = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var theta = new double[runs][];
        var s = new double[runs][,];
        var residuals = Enumerable.Range(0, runs).Select(_ => new double[k]).ToArray();
        var iterations = new int[runs];
        var reached = new bool[runs];
        var active = Enumerable.Repeat(true, runs).ToArray();
        for (var j = 0; j < m && active.Any(x => x); j++)
        {
            using var inner = NewDisposeScope();
            var q = basis.select(1, j);
            var w = apply(q, active);
            var a = w.mul(q).sum(1).cpu().data<double>().ToArray();
            // Full re-orthogonalisation of each run against its q_0..q_j (twice: "twice is enough").
            var span = basis.narrow(1, 0, j + 1);
            for (var pass = 0; pass < 2; pass++)
            {
                var coefficients = span.bmm(w.unsqueeze(2));
                w.sub_(span.transpose(1, 2).bmm(coefficients).squeeze(2));
            }
            var b = w.mul(w).sum(1).cpu().data<double>().Select(Math.Sqrt).ToArray();
            for (var r = 0; r < runs; r++)
            {
                if (!active[r]) continue;
                alpha[r].Add(a[r]);
                iterations[r] = j + 1;
                (theta[r], s[r]) = TridiagonalEigen(alpha[r], beta[r]);
                var scale = theta[r].Select(Math.Abs).Max();
                var converged = j + 1 >= k;
                for (var i = 0; i < k && i < theta[r].Length; i++)
                {
                    var idx = theta[r].Length - 1 - i;
                    residuals[r][i] = Math.Abs(b[r] * s[r][j, idx]);
                    if (residuals[r][i] > tolerance * Math.Max(Math.Abs(theta[r][idx]), scale * 1e-12)) converged = false;
                }
                var invariant = b[r] <= 1e-13 * Math.Max(scale, 1e-300);
                if (converged || invariant || j + 1 == m)
                {
                    active[r] = false;
                    reached[r] = converged || invariant;
                    continue;
                }
                beta[r].Add(b[r]);
            }
            if (!active.Any(x => x)) break;
            if (j + 1 == basis.shape[1])
            {
                var grown = zeros([runs, Math.Min(m + 1, 2 * basis.shape[1]), n], dtype: ScalarType.Float64, device: basis.device).MoveToOuterDisposeScope();
                grown.narrow(1, 0, basis.shape[1]).copy_(basis);
                basis.Dispose();
                basis = grown;
            }
            for (var r = 0; r < runs; r++)
                if (active[r]) basis[r, j + 1].copy_(w[r] / b[r]);
        }

        var results = new LanczosResult[runs];
        for (var r = 0; r < runs; r++)
        {
            var values = new double[k];
            var count = iterations[r];
            var vectors = zeros([k, n], dtype: ScalarType.Float64);
            var span = basis[r].narrow(0, 0, count);
            for (var i = 0; i < k; i++)
            {
                var idx = count - 1 - i;
                if (idx < 0) { values[i] = double.NaN; continue; }
                values[i] = theta[r][idx];
                var coefficients = new double[count];
                for (var row = 0; row < count; row++) coefficients[row] = s[r][row, idx];
                var y = tensor(coefficients, dtype: ScalarType.Float64, device: span.device).matmul(span);
                y.div_(y.norm());
                var largest = y.abs().argmax().item<long>();
                if (y[largest].item<double>() < 0) y.neg_();
                vectors[i].copy_(y);
            }
            results[r] = new LanczosResult(values, residuals[r], vectors.DetachFromDisposeScope(), count) { ReachedTolerance = reached[r] };
        }
        return results;
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
