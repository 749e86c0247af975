using Declarative.Runtime.Instruments.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// L(θ) = ½ (θ − θ*)ᵀ A (θ − θ*) in float64 with A = Q diag(λ) Qᵀ of chosen eigenvalues, its parameters
/// split into a matrix and a vector so that flattening and reshaping are exercised.
/// </summary>
internal sealed class Quadratic : IDisposable
{
    public Quadratic(double[] eigenvalues, long seed, bool diagonal = false)
    {
        N = eigenvalues.Length;
        Eigenvalues = eigenvalues;
        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        Tensor q;
        if (diagonal) q = eye(N, dtype: ScalarType.Float64);
        else
        {
            var (qr, _) = linalg.qr(randn([N, N], dtype: ScalarType.Float64, generator: generator));
            q = qr;
        }
        A = q.matmul(diag(tensor(eigenvalues, dtype: ScalarType.Float64))).matmul(q.t());
        A = ((A + A.t()) / 2).MoveToOuterDisposeScope();
        EigenvectorsByColumn = q.MoveToOuterDisposeScope();
        Minimum = randn([N], dtype: ScalarType.Float64, generator: generator).MoveToOuterDisposeScope();
        var start = randn([N], dtype: ScalarType.Float64, generator: generator);
        Matrix = start.narrow(0, 0, 6).reshape(3, 2).clone().requires_grad_(true).MoveToOuterDisposeScope();
        Vector = start.narrow(0, 6, N - 6).clone().requires_grad_(true).MoveToOuterDisposeScope();
        Parameters = [Matrix, Vector];
    }

    public long N { get; }
    public double[] Eigenvalues { get; }
    public Tensor A { get; }
    public Tensor EigenvectorsByColumn { get; }
    public Tensor Minimum { get; }
    public Tensor Matrix { get; }
    public Tensor Vector { get; }
    public IReadOnlyList<Tensor> Parameters { get; }

    public Tensor Theta() => cat([Matrix.reshape(-1), Vector]);

    public LossFunction Loss => () =>
    {
        var d = Theta() - Minimum;
        return 0.5 * d.dot(A.matmul(d));
    };

    /// <summary>Closed-form loss at a flat point.</summary>
    public double LossAt(Tensor theta)
    {
        using var scope = NewDisposeScope();
        var d = theta - Minimum;
        return 0.5 * d.dot(A.matmul(d)).item<double>();
    }

    public Tensor ThetaValue()
    {
        using var noGrad = no_grad();
        return Theta().detach().clone();
    }

    public void Dispose()
    {
        A.Dispose();
        EigenvectorsByColumn.Dispose();
        Minimum.Dispose();
        Matrix.Dispose();
        Vector.Dispose();
    }
}
