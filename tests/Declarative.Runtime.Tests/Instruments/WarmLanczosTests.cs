using Declarative.Runtime.Experiments;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// Warm-started Lanczos (each run from the previous run's Ritz vectors) against cold starts (a fresh random vector) at
/// the same relative residual tolerance: fewer Hessian-vector products for the same eigenvalues, on a quadratic whose
/// matrix drifts slowly (against its eigenvalues in closed form) and on a small MLP trained a few steps.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class WarmLanczosTests(ITestOutputHelper output)
{
    [Fact]
    public void Warm_start_on_a_drifting_quadratic_needs_fewer_products_for_the_closed_form_eigenvalues()
    {
        const int n = 200, k = 3, calls = 6;
        const double tolerance = 1e-8;
        var spectrum = new[] { 100.0, 80, 60 }.Concat(Enumerable.Range(0, n - 3).Select(i => 50.0 * i / (n - 3))).ToArray();
        using var q = new Quadratic(spectrum, seed: 21);
        using var scope = NewDisposeScope();
        using var drift = new Generator(22);
        var e = randn([n, n], dtype: ScalarType.Float64, generator: drift);
        e = (e + e.t()) / (2 * Math.Sqrt(n)); // ‖E‖ ≈ 1
        using var coldGenerator = new Generator(23);
        using var warmGenerator = new Generator(23);
        Tensor? previous = null;
        int coldTotal = 0, warmTotal = 0;
        for (var t = 0; t < calls; t++)
        {
            var a = q.A + 0.05 * t * e;
            var exact = linalg.eigvalsh(a).data<double>().Reverse().Take(k).ToArray();
            Tensor Apply(Tensor v) => a.matmul(v);

            using var cold = Lanczos.TopEigenpairs(Apply, n, k, n, tolerance, coldGenerator);
            using var start = previous is null ? randn([n], dtype: ScalarType.Float64, generator: warmGenerator) : Lanczos.WarmStart(previous, warmGenerator);
            using var warm = Lanczos.TopEigenpairs(Apply, n, k, n, tolerance, start);
            previous = warm.Vectors.clone();

            output.WriteLine($"t={t}: cold {cold.Products} products, warm {warm.Products}; λ exact {string.Join(", ", exact)} warm {string.Join(", ", warm.Values)}");
            // A residual r bounds the distance of the Ritz value to an eigenvalue: both within the tolerance of the closed form.
            Approx.Relative(exact, cold.Values, tolerance);
            Approx.Relative(exact, warm.Values, tolerance);
            Assert.All(warm.Residuals.Zip(warm.Values), r => Assert.True(r.First <= tolerance * Math.Abs(r.Second)));
            if (t == 0) Assert.Equal(cold.Products, warm.Products); // the same random start: the same run
            else
            {
                coldTotal += cold.Products;
                warmTotal += warm.Products;
            }
        }
        output.WriteLine($"after the first call: cold {coldTotal} products, warm {warmTotal}");
        Assert.True(warmTotal < 0.75 * coldTotal, $"warm {warmTotal} products, cold {coldTotal}");
    }

    [Fact]
    public void Warm_started_Hessian_spectrum_of_a_small_MLP_in_training_needs_fewer_products_for_the_same_eigenvalues()
    {
        const double tolerance = 1e-6;
        using var data = SoftmaxRegression.Data(train: 96, test: 16, features: 6, classes: 3, seed: 5);
        manual_seed(3);
        using var model = Mlp.Create(6, [16], 3, CPU, ScalarType.Float64);
        using var optimizer = optim.SGD(model.parameters(), 0.2);
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 16, epochs: 20, seed: 1);
        using var context = new InstrumentContext(model, data);
        var options = new InstrumentOptions { TopK = 2, Examples = 96, LanczosTolerance = tolerance, LanczosIterations = 1000, Seed = 9 };
        var cold = HessianSpectrum.For(context, options with { LanczosWarmStart = false });
        var warm = HessianSpectrum.For(context, options);
        Assert.NotSame(cold, warm);
        int coldTotal = 0, warmTotal = 0;
        for (var call = 0; call < 6; call++)
        {
            for (var s = 0; s < 3; s++) Assert.True(loop.Next());
            var c = cold.Measure(loop.State);
            var w = warm.Measure(loop.State);
            output.WriteLine($"step {loop.State.Step}: cold {c.Products} products, warm {w.Products}; λ cold {string.Join(", ", c.Values)} warm {string.Join(", ", w.Values)}");
            // Both reach the tolerance, and each Ritz value is within its residual (≤ tolerance·|θ|) of an eigenvalue.
            Assert.All(c.Residuals.Zip(c.Values).Concat(w.Residuals.Zip(w.Values)), r => Assert.True(r.First <= tolerance * Math.Abs(r.Second)));
            Approx.Relative(c.Values, w.Values, 2 * tolerance);
            if (call > 0)
            {
                coldTotal += c.Products;
                warmTotal += w.Products;
            }
        }
        output.WriteLine($"after the first call: cold {coldTotal} products, warm {warmTotal}");
        Assert.True(warmTotal < coldTotal, $"warm {warmTotal} products, cold {coldTotal}");
    }

    [Fact]
    public void Warm_started_spectrum_is_deterministic_and_leaves_the_global_stream_alone()
    {
        double[][] Run()
        {
            using var data = SoftmaxRegression.Data(train: 48, test: 16, features: 6, classes: 3, seed: 5);
            manual_seed(3);
            using var model = Mlp.Create(6, [8], 3, CPU, ScalarType.Float64);
            using var optimizer = optim.SGD(model.parameters(), 0.2);
            using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 16, epochs: 20, seed: 1);
            using var context = new InstrumentContext(model, data);
            using var top = new HessianTopEigenvalues(context, new InstrumentOptions { TopK = 2, Examples = 48, Seed = 9 });
            var values = new List<double[]>();
            for (var call = 0; call < 3; call++)
            {
                Assert.True(loop.Next());
                manual_seed(77);
                var expected = randn([1]).item<float>();
                manual_seed(77);
                values.Add(top.Measure(loop.State));
                Assert.Equal(expected, randn([1]).item<float>());
            }
            return [.. values];
        }

        Assert.Equal(Run(), Run());
    }
}
