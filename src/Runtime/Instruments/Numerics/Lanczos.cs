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
    /// K independent runs in lockstep (in groups of as many as fit <paramref name="basisBytes"/>), one per row of <paramref name="starts"/> ([K, n], any non-zero norms) on a block-diagonal
    /// operator: <paramref name="apply"/> maps a block vector [K, n] to [K, n], row k to H_k v_k, and is asked only for the rows
    /// whose flag is set (the runs still going; the other rows of its input are zero and of its result ignored). Each run keeps
    /// its own tridiagonal recurrence, re-orthogonalisation (batched: <c>bmm</c>) and stopping rule, and stops at its own
    /// convergence or cap: its Ritz pairs are then taken, the operator is no longer applied to it, and its rows leave the basis
    /// once half the rows are stopped runs'. Its result is the one it gives alone (up to the rounding of the batched products).
    /// </summary>
    internal static LanczosResult[] TopEigenpairs(Func<Tensor, IReadOnlyList<bool>, Tensor> apply, long n, int k, int maxIterations, double tolerance, Tensor starts,
        long basisBytes = LockstepBasisBytes)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (starts.dim() != 2 || starts.shape[1] != n) throw new ArgumentException($"The start vectors are [{string.Join(", ", starts.shape)}], the operator needs [K, {n}].", nameof(starts));
        var runs = (int)starts.shape[0];
        // The runs in lockstep hold their bases at once: as many runs together as fit basisBytes at the cap (at least one).
        var cap = Math.Min(Math.Max(maxIterations, k), n) + 1;
        var group = (int)Math.Clamp(basisBytes / Math.Max(1, cap * n * sizeof(double)), 1, runs);
        if (group < runs)
        {
            var results = new List<LanczosResult>();
            for (var first = 0; first < runs; first += group)
            {
                var count = Math.Min(group, runs - first);
                var offset = first;
                using var part = starts.narrow(0, offset, count);
                results.AddRange(Lockstep((v, active) =>
                {
                    using var block = zeros([runs, n], dtype: v.dtype, device: v.device);
                    block.narrow(0, offset, count).copy_(v);
                    var flags = Enumerable.Range(0, runs).Select(r => r >= offset && r < offset + count && active[r - offset]).ToArray();
                    using var product = apply(block, flags);
                    return product.narrow(0, offset, count).clone();
                }, n, k, maxIterations, tolerance, part));
            }
            return results.ToArray();
        }
        return Lockstep(apply, n, k, maxIterations, tolerance, starts);
    }

    /// <summary>
    /// Bytes the bases of runs in lockstep may take at their cap (float64 [runs, cap + 1, n]); more runs go in groups, one group
    /// after the other. A run alone may exceed it (as before lockstep runs existed).
    /// </summary>
    internal const long LockstepBasisBytes = 2L << 30;

    private static LanczosResult[] Lockstep(Func<Tensor, IReadOnlyList<bool>, Tensor> apply, long n, int k, int maxIterations, double tolerance, Tensor starts)
    {
        var runs = (int)starts.shape[0];
        var m = (int)Math.Min(Math.Max(maxIterations, k), n);
        k = (int)Math.Min(k, n);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Basis row i belongs to run rows[i]; a stopped run's rows stay (zero from then on, skipped) until at least as many rows
        // are stopped as going, then the basis is compacted to the runs going: at most log2(K) + 1 copies, and at most as much
        // re-orthogonalisation for stopped runs as for the runs going. The basis grows as the runs need it (a cap of hundreds of
        // products must not allocate hundreds of vectors up front).
        // Not zeros: filling 32 rows of 270,000 float64 cost about 30 ms, more than a Hessian-vector product. Row j of every run is
        // written before it is read (a stopped run's rows with zeros).
        var basis = empty([runs, Math.Min(m + 1, InitialBasisRows), n], dtype: ScalarType.Float64, device: starts.device);
        for (var r = 0; r < runs; r++)
        {
            var q = starts[r].to_type(ScalarType.Float64);
            basis[r, 0].copy_(q / q.norm());
        }
        var rows = Enumerable.Range(0, runs).ToArray();
        var live = Enumerable.Repeat(true, runs).ToArray();
        var alpha = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var beta = Enumerable.Range(0, runs).Select(_ => new List<double>()).ToArray();
        var residuals = Enumerable.Range(0, runs).Select(_ => new double[k]).ToArray();
        var results = new LanczosResult[runs];
        var active = Enumerable.Repeat(true, runs).ToArray();
        for (var j = 0; j < m; j++)
        {
            using var inner = NewDisposeScope();
            var q = basis.select(1, j);
            Tensor w;
            if (rows.Length == runs) w = apply(q, active);
            else
            {
                using var index = tensor(rows.Select(r => (long)r).ToArray(), device: q.device);
                var block = zeros([runs, n], dtype: ScalarType.Float64, device: q.device).index_copy_(0, index, q);
                w = apply(block, active).index_select(0, index);
            }
            var a = RowDots(w, q);
            // The three-term recurrence first, w − α_j q_j − β_{j−1} q_{j−1} (stopped runs' rows: zero coefficients), so that
            // the full re-orthogonalisation below removes only the drift rounding left.
            var previous = rows.Select((r, i) => live[i] && j > 0 ? beta[r][j - 1] : 0.0).ToArray();
            using (var alphas = tensor(a.Select((v, i) => live[i] ? v : 0.0).ToArray(), [rows.Length, 1], dtype: ScalarType.Float64, device: w.device))
                w.addcmul_(q, alphas, value: -1);
            if (j > 0)
            {
                using var betas = tensor(previous, [rows.Length, 1], dtype: ScalarType.Float64, device: w.device);
                w.addcmul_(basis.select(1, j - 1), betas, value: -1);
            }
            // Full re-orthogonalisation of each run against its q_0..q_j by classical Gram–Schmidt, as row vectors
            // ([R, 1, n] times [R, n, j + 1], then [R, 1, j + 1] times [R, j + 1, n]: on the CPU, a bmm whose second operand is
            // the transposed basis runs about 6 times faster than one whose first operand is). A second pass only when the
            // first removed more than 1 − 1/√2 of w's norm for some run (Daniel, Gragg, Kaufman and Stewart 1976: "twice is
            // enough", and once is when the norm hardly fell): each pass reads the whole basis twice, which costs more than the
            // rest of an iteration but the Hessian-vector product.
            var span = basis.narrow(1, 0, j + 1);
            var spanT = span.transpose(1, 2);
            var before = RowNorms(w);
            double[] b = [];
            for (var pass = 0; pass < 2; pass++)
            {
                var coefficients = w.unsqueeze(1).bmm(spanT);
                w.sub_(coefficients.bmm(span).squeeze(1));
                b = RowNorms(w);
                if (!Enumerable.Range(0, rows.Length).Any(i => live[i] && b[i] < before[i] / Math.Sqrt(2))) break;
            }
            for (var i = 0; i < rows.Length; i++)
            {
                if (!live[i]) continue;
                var r = rows[i];
                if (!double.IsFinite(a[i]) || !double.IsFinite(b[i]))
                {
                    // A diverged member (non-finite weights or loss): its run ends here with NaN, the others go on.
                    live[i] = active[r] = false;
                    results[r] = NotFinite(j + 1, k, n);
                    continue;
                }
                alpha[r].Add(a[i]);
                var (theta, s) = TridiagonalEigen(alpha[r], beta[r]);
                var scale = theta.Select(Math.Abs).Max();
                var converged = j + 1 >= k;
                for (var e = 0; e < k && e < theta.Length; e++)
                {
                    var idx = theta.Length - 1 - e;
                    residuals[r][e] = Math.Abs(b[i] * s[j, idx]);
                    if (residuals[r][e] > tolerance * Math.Max(Math.Abs(theta[idx]), scale * 1e-12)) converged = false;
                }
                var invariant = b[i] <= 1e-13 * Math.Max(scale, 1e-300);
                if (converged || invariant || j + 1 == m)
                {
                    live[i] = active[r] = false;
                    results[r] = RitzPairs(basis[i], j + 1, k, n, theta, s, residuals[r], converged || invariant);
                    continue;
                }
                beta[r].Add(b[i]);
            }
            var going = Enumerable.Range(0, rows.Length).Where(i => live[i]).ToArray();
            if (going.Length == 0) break;
            if (rows.Length - going.Length >= going.Length)
            {
                using var keep = tensor(going.Select(i => (long)i).ToArray(), device: basis.device);
                var kept = basis.index_select(0, keep).MoveToOuterDisposeScope();
                basis.Dispose();
                basis = kept;
                w = w.index_select(0, keep);
                b = going.Select(i => b[i]).ToArray();
                rows = going.Select(i => rows[i]).ToArray();
                live = Enumerable.Repeat(true, rows.Length).ToArray();
            }
            if (j + 1 == basis.shape[1])
            {
                var grown = empty([rows.Length, Math.Min(m + 1, 2 * basis.shape[1]), n], dtype: ScalarType.Float64, device: basis.device).MoveToOuterDisposeScope();
                grown.narrow(1, 0, basis.shape[1]).copy_(basis);
                basis.Dispose();
                basis = grown;
            }
            for (var i = 0; i < rows.Length; i++)
            {
                using var next = basis[i, j + 1];
                if (live[i])
                {
                    using var row = w[i];
                    next.copy_(row).div_(b[i]);
                }
                else next.zero_();
            }
        }
        return results;
    }

    /// <summary>Each row's Euclidean norm, read back.</summary>
    private static double[] RowNorms(Tensor w)
    {
        using var norms = linalg.vector_norm(w, 2, [1]); // no temporary the size of w
        return norms.cpu().data<double>().ToArray();
    }

    /// <summary>Each row's inner product u_r·v_r, read back (a batched product: no temporary the size of the rows).</summary>
    private static double[] RowDots(Tensor u, Tensor v)
    {
        using var dots = u.unsqueeze(1).bmm(v.unsqueeze(2));
        return dots.cpu().data<double>().ToArray();
    }

    /// <summary>The result of a run whose operator gave a non-finite product: NaN values, residuals and vectors.</summary>
    private static LanczosResult NotFinite(int products, int k, long n)
    {
        var nan = Enumerable.Repeat(double.NaN, k).ToArray();
        return new LanczosResult(nan, (double[])nan.Clone(), full([k, n], double.NaN, dtype: ScalarType.Float64).DetachFromDisposeScope(), products) { ReachedTolerance = false };
    }

    /// <summary>A stopped run's result: its top k Ritz values and unit Ritz vectors (largest-magnitude entry positive) from its first <paramref name="count"/> Lanczos vectors.</summary>
    private static LanczosResult RitzPairs(Tensor basis, int count, int k, long n, double[] theta, double[,] s, double[] residuals, bool reached)
    {
        using var scope = NewDisposeScope();
        var values = new double[k];
        var vectors = zeros([k, n], dtype: ScalarType.Float64);
        var span = basis.narrow(0, 0, count);
        for (var i = 0; i < k; i++)
        {
            var idx = count - 1 - i;
            if (idx < 0) { values[i] = double.NaN; continue; }
            values[i] = theta[idx];
            var coefficients = new double[count];
            for (var row = 0; row < count; row++) coefficients[row] = s[row, idx];
            var y = tensor(coefficients, dtype: ScalarType.Float64, device: span.device).matmul(span);
            y.div_(y.norm());
            var largest = y.abs().argmax().item<long>();
            if (y[largest].item<double>() < 0) y.neg_();
            vectors[i].copy_(y);
        }
        return new LanczosResult(values, (double[])residuals.Clone(), vectors.DetachFromDisposeScope(), count) { ReachedTolerance = reached };
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
