using Declarative.Runtime.Instruments.Numerics;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// The single-run Lanczos as it was before the lockstep (batched) runs replaced it, verbatim: the reference that a run of one
/// member must still reproduce (to rounding: the batched products round differently in the last bits).
/// </summary>
internal static class ReferenceLanczos
{
    private const int InitialBasisRows = 32;

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
