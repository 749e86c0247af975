using Declarative.Runtime.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// Closed forms of multinomial logistic regression (mean cross-entropy of softmax(W x + b)), computed in
/// managed float64 code, independent of autograd. θ is ordered like the parameters of a bias-carrying
/// Linear(d, C): W row-major [C, d], then b [C].
/// Gradient: ∂/∂W = (P − Y)ᵀX / N, ∂/∂b = mean(P − Y). Hessian: (1/N) Σ_n (diag p_n − p_n p_nᵀ) ⊗ z_n z_nᵀ, z = [x; 1].
/// </summary>
internal sealed class SoftmaxRegression
{
    public SoftmaxRegression(Tensor inputs, Tensor labels, int classes)
    {
        N = (int)inputs.shape[0];
        D = (int)inputs.shape[1];
        C = classes;
        var flat = inputs.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        X = new double[N, D];
        for (var n = 0; n < N; n++) for (var j = 0; j < D; j++) X[n, j] = flat[n * D + j];
        Y = labels.to_type(ScalarType.Int64).data<long>().Select(v => (int)v).ToArray();
    }

    public int N { get; }
    public int D { get; }
    public int C { get; }
    public double[,] X { get; }
    public int[] Y { get; }
    public int Size => C * (D + 1);

    private double Z(int n, int j) => j < D ? X[n, j] : 1.0;

    private double[] Probabilities(double[] theta, int n)
    {
        var logits = new double[C];
        for (var c = 0; c < C; c++)
        {
            var s = theta[C * D + c];
            for (var j = 0; j < D; j++) s += theta[c * D + j] * X[n, j];
            logits[c] = s;
        }
        var max = logits.Max();
        var e = logits.Select(l => Math.Exp(l - max)).ToArray();
        var sum = e.Sum();
        return e.Select(v => v / sum).ToArray();
    }

    private int Index(int c, int j) => j < D ? c * D + j : C * D + c;

    public double Loss(double[] theta, IEnumerable<int>? rows = null)
    {
        var list = (rows ?? Enumerable.Range(0, N)).ToArray();
        return list.Sum(n => -Math.Log(Probabilities(theta, n)[Y[n]])) / list.Length;
    }

    public double[] Gradient(double[] theta, IEnumerable<int>? rows = null)
    {
        var list = (rows ?? Enumerable.Range(0, N)).ToArray();
        var g = new double[Size];
        foreach (var n in list)
        {
            var p = Probabilities(theta, n);
            for (var c = 0; c < C; c++)
            {
                var r = p[c] - (Y[n] == c ? 1 : 0);
                for (var j = 0; j <= D; j++) g[Index(c, j)] += r * Z(n, j) / list.Length;
            }
        }
        return g;
    }

    public double[,] Hessian(double[] theta)
    {
        var h = new double[Size, Size];
        for (var n = 0; n < N; n++)
        {
            var p = Probabilities(theta, n);
            for (var c = 0; c < C; c++)
                for (var e = 0; e < C; e++)
                {
                    var s = (c == e ? p[c] : 0) - p[c] * p[e];
                    for (var j = 0; j <= D; j++)
                        for (var k = 0; k <= D; k++)
                            h[Index(c, j), Index(e, k)] += s * Z(n, j) * Z(n, k) / N;
                }
        }
        return h;
    }

    public static double[] Theta(IReadOnlyList<Tensor> parameters) =>
        parameters.SelectMany(p => p.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray()).ToArray();

    public static double Norm(double[] v) => Math.Sqrt(v.Sum(x => x * x));

    public static double[] Multiply(double[,] a, double[] v)
    {
        var r = new double[v.Length];
        for (var i = 0; i < v.Length; i++) for (var j = 0; j < v.Length; j++) r[i] += a[i, j] * v[j];
        return r;
    }

    /// <summary>A synthetic classification set: Gaussian inputs, labels from a random linear teacher.</summary>
    public static ClassificationData Data(int train, int test, int features, int classes, long seed, ScalarType dtype = ScalarType.Float64)
    {
        using var generator = new Generator((ulong)seed);
        var teacher = randn([features, classes], dtype: ScalarType.Float64, generator: generator);
        (Tensor X, Tensor Y) Make(int n)
        {
            var x = randn([n, features], dtype: ScalarType.Float64, generator: generator);
            var noise = randn([n, classes], dtype: ScalarType.Float64, generator: generator);
            var y = (x.matmul(teacher) + noise).argmax(1);
            return (x.to_type(dtype), y);
        }
        var (trainX, trainY) = Make(train);
        var (testX, testY) = Make(test);
        return new ClassificationData("synthetic", trainX, trainY, testX, testY, classes);
    }
}
