using Declarative.Runtime.Instruments.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>The numeric algorithms against closed forms of a quadratic and of linear regression, in float64.</summary>
public sealed class NumericsTests
{
    private static readonly double[] Spectrum = [9, 6.5, 4, 2.25, 1, 0.5, 0.3, 0.1, -0.4, -1.5, -3, 0.05];

    private static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();

    [Fact]
    public void Gradient_of_quadratic_is_A_times_offset()
    {
        using var q = new Quadratic(Spectrum, seed: 1);
        using var scope = NewDisposeScope();
        var g = ParameterVector.Gradient(q.Loss, q.Parameters, out var value);
        var theta = q.ThetaValue();
        Approx.Relative(Values(q.A.matmul(theta - q.Minimum)), Values(g), 1e-12);
        Approx.Relative(q.LossAt(theta), value, 1e-12);
        Assert.All(q.Parameters, p => Assert.True(p.grad is null || p.grad.count_nonzero().item<long>() == 0));
    }

    [Fact]
    public void Hessian_vector_product_of_quadratic_is_A_v()
    {
        using var q = new Quadratic(Spectrum, seed: 2);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(7);
        for (var i = 0; i < 3; i++)
        {
            var v = randn([q.N], dtype: ScalarType.Float64, generator: generator);
            Approx.Relative(Values(q.A.matmul(v)), Values(hvp.Apply(v)), 1e-12);
        }
    }

    [Fact]
    public void Lanczos_finds_the_top_eigenvalues_and_eigenvector_of_a_quadratic()
    {
        using var q = new Quadratic(Spectrum, seed: 3);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(11);
        using var result = Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, k: 3, maxIterations: (int)q.N, tolerance: 1e-12, generator);
        Approx.Relative([9, 6.5, 4], result.Values);
        var top = q.EigenvectorsByColumn[.., 0];
        Approx.Relative(1.0, Math.Abs(ParameterVector.Dot(top, result.Vectors[0])));
        Approx.Relative(1.0, ParameterVector.Norm(result.Vectors[0]));
    }

    [Fact]
    public void Lanczos_stops_early_at_the_tolerance_on_a_large_quadratic_with_separated_top()
    {
        var spectrum = new[] { 100.0, 80, 60 }.Concat(Enumerable.Range(0, 197).Select(i => i / 197.0)).ToArray();
        using var q = new Quadratic(spectrum, seed: 4);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(5);
        using var result = Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, k: 3, maxIterations: 200, tolerance: 1e-10, generator);
        Approx.Relative([100, 80, 60], result.Values);
        Assert.True(result.Products < 60, $"{result.Products} iterations");
        Assert.All(result.Residuals.Zip(result.Values), r => Assert.True(r.First <= 1e-10 * Math.Abs(r.Second)));
    }

    [Fact]
    public void Lanczos_run_far_past_convergence_keeps_its_basis_orthogonal_and_shows_no_ghost_eigenvalues()
    {
        // Without enough re-orthogonalisation a Lanczos run that goes on after its top Ritz value has converged loses
        // orthogonality and finds that eigenvalue again (a "ghost" copy in place of the second). Up to 150 products on 300
        // well-separated eigenvalues (1.05^i) with a tolerance no run reaches (it ends when the Krylov space is numerically
        // invariant): the top five must be the operator's, each once, with orthonormal Ritz vectors.
        var spectrum = Enumerable.Range(0, 300).Select(i => Math.Pow(1.05, i)).ToArray();
        using var scope = NewDisposeScope();
        using var diagonal = tensor(spectrum, dtype: ScalarType.Float64);
        using var generator = new Generator(3);
        using var result = Lanczos.TopEigenpairs(v => v * diagonal, spectrum.Length, k: 5, maxIterations: 150, tolerance: 0, generator);
        Assert.True(result.Products >= 60, $"{result.Products} products"); // the top five converge in about 30
        Approx.Relative(spectrum.OrderDescending().Take(5).ToArray(), result.Values, 1e-10);
        var gram = result.Vectors.matmul(result.Vectors.t());
        Approx.Relative(Values(eye(5, dtype: ScalarType.Float64)).Select(v => v + 1).ToArray(), Values(gram).Select(v => v + 1).ToArray(), 1e-10);
    }

    [Fact]
    public void Hutchinson_is_exact_for_a_diagonal_Hessian()
    {
        using var q = new Quadratic(Spectrum, seed: 5, diagonal: true);
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(3);
        Approx.Relative(Spectrum.Sum(), Hutchinson.Trace(hvp.Apply, hvp.Dimension, samples: 4, generator));
    }

    [Fact]
    public void Hutchinson_probes_are_the_Rademacher_quadratic_forms_of_the_Hessian()
    {
        using var q = new Quadratic(Spectrum, seed: 6);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using (var generator = new Generator(9))
        {
            var probes = Hutchinson.Probes(hvp.Apply, hvp.Dimension, samples: 5, generator);
            using var replay = new Generator(9);
            for (var s = 0; s < 5; s++)
            {
                var v = Hutchinson.Rademacher(q.N, replay);
                Assert.True(v.abs().eq(1).all().item<bool>());
                Approx.Relative(v.dot(q.A.matmul(v)).item<double>(), probes[s]);
            }
        }
        // The estimator is unbiased: with many probes it approaches the trace (a statistical, seed-fixed check).
        using var many = new Generator(10);
        var estimate = Hutchinson.Trace(hvp.Apply, hvp.Dimension, samples: 4000, many);
        Assert.InRange(estimate, Spectrum.Sum() - 1.0, Spectrum.Sum() + 1.0);
    }

    [Fact]
    public void Line_profile_of_a_quadratic_has_its_closed_form_minimum_and_height()
    {
        using var q = new Quadratic(Spectrum.Select(Math.Abs).ToArray(), seed: 7);
        using var scope = NewDisposeScope();
        using var generator = new Generator(13);
        var origin = q.ThetaValue();
        var direction = -1.25 * (origin - q.Minimum) + 0.2 * randn([q.N], dtype: ScalarType.Float64, generator: generator);
        var before = q.Parameters.Select(p => p.detach().clone()).ToArray();
        var alphas = LineProfile.Grid(-0.5, 1.5, 21);

        var result = LineProfile.Measure(q.Loss, q.Parameters, origin, direction, alphas);

        Approx.Relative(alphas.Select(a => q.LossAt(origin + a * direction)).ToArray(), result.Losses);
        // L(o + α d) = L(o) + α dᵀA(o − θ*) + ½ α² dᵀAd: minimum at α* = −dᵀA(o − θ*) / dᵀAd.
        var slope = direction.dot(q.A.matmul(origin - q.Minimum)).item<double>();
        var curvature = direction.dot(q.A.matmul(direction)).item<double>();
        var alphaStar = -slope / curvature;
        Assert.InRange(alphaStar, -0.5, 1.5);
        Approx.Relative(alphaStar, result.AlphaStar);
        Approx.Relative(slope * slope / (2 * curvature), result.Height);
        for (var i = 0; i < before.Length; i++) Assert.True(before[i].eq(q.Parameters[i]).all().item<bool>(), "parameters restored bit-exactly");
    }

    [Fact]
    public void Parabola_vertex_is_exact_for_a_parabola_on_an_uneven_grid()
    {
        static double F(double x) => 3 * (x - 0.37) * (x - 0.37) + 1;
        Approx.Relative(0.37, LineProfile.ParabolaVertex(-0.2, F(-0.2), 0.1, F(0.1), 0.9, F(0.9)), 1e-12);
    }

    [Fact]
    public void Gradient_noise_of_linear_regression_matches_the_closed_form_batch_gradients()
    {
        // L_B(w) = 1/(2B) ‖X_B w − y_B‖², ∇L_B = X_Bᵀ(X_B w − y_B)/B.
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        const int n = 64, d = 5, batch = 8, samples = 6;
        var x = randn([n, d], dtype: ScalarType.Float64, generator: generator);
        var y = randn([n], dtype: ScalarType.Float64, generator: generator);
        var w = randn([d], dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var batches = Enumerable.Range(0, samples).Select(s => randperm(n, generator: generator).narrow(0, 0, batch)).ToArray();
        var losses = batches.Select(index => (LossFunction)(() =>
        {
            var xb = x.index_select(0, index);
            var r = xb.matmul(w) - y.index_select(0, index);
            return r.dot(r) / (2 * batch);
        })).ToList();

        var result = GradientNoise.Estimate(losses, [w], batch);

        var wv = w.detach();
        var grads = batches.Select(index =>
        {
            var xb = x.index_select(0, index);
            return Values(xb.t().matmul(xb.matmul(wv) - y.index_select(0, index)) / batch);
        }).ToArray();
        var mean = Enumerable.Range(0, d).Select(j => grads.Average(g => g[j])).ToArray();
        var variance = grads.Sum(g => g.Select((v, j) => (v - mean[j]) * (v - mean[j])).Sum()) / (samples - 1);
        var meanSquared = mean.Sum(v => v * v);
        Approx.Relative(variance, result.BatchVariance);
        Approx.Relative(batch * variance, result.TraceSigma);
        Approx.Relative(meanSquared - variance / samples, result.GradientNormSquared);
        Approx.Relative(batch * variance / (meanSquared - variance / samples), result.NoiseScale);
    }

    [Fact]
    public void Lanczos_agrees_with_the_dense_Hessian_of_a_small_network()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        var x = randn([40, 4], dtype: ScalarType.Float64, generator: generator);
        var labels = randint(0, 3, [40], dtype: ScalarType.Int64, generator: generator);
        var w1 = (randn([6, 4], dtype: ScalarType.Float64, generator: generator) * 0.8).requires_grad_(true);
        var b1 = (randn([6], dtype: ScalarType.Float64, generator: generator) * 0.1).requires_grad_(true);
        var w2 = (randn([3, 6], dtype: ScalarType.Float64, generator: generator) * 0.8).requires_grad_(true);
        var b2 = (randn([3], dtype: ScalarType.Float64, generator: generator) * 0.1).requires_grad_(true);
        Tensor[] parameters = [w1, b1, w2, b2];
        LossFunction loss = () => nn.functional.cross_entropy(nn.functional.tanh(x.matmul(w1.t()) + b1).matmul(w2.t()) + b2, labels);

        using var hvp = new HessianVectorProduct(loss, parameters);
        var n = hvp.Dimension;
        var columns = Enumerable.Range(0, (int)n).Select(i => hvp.Apply(eye(n, dtype: ScalarType.Float64)[i])).ToArray();
        var dense = stack(columns, 1);
        Assert.True((dense - dense.t()).abs().max().item<double>() < 1e-12, "the Hessian is symmetric");
        var eigenvalues = Values(linalg.eigvalsh((dense + dense.t()) / 2)).Reverse().ToArray();

        using var start = new Generator(3);
        using var result = Lanczos.TopEigenpairs(hvp.Apply, n, k: 4, maxIterations: (int)n, tolerance: 1e-12, start);

        Approx.Relative(eigenvalues.Take(4).ToArray(), result.Values);
        // A Ritz vector is an eigenvector of the dense matrix.
        var v = result.Vectors[0];
        Approx.Relative(Values(dense.matmul(v)), Values(v * result.Values[0]), 1e-7);
    }
}
