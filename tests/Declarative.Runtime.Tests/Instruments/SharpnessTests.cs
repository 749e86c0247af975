using Declarative.Runtime.Instruments.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// ε-sharpness's maximisation (<see cref="SharpnessAscent"/>) against closed forms, in float64: the box maximum of linear and
/// convex losses (at a vertex), its stopping rule and cap, the standard error over examples, and bit-exact restoration.
/// </summary>
public sealed class SharpnessTests
{
    private static Tensor[] Copies(IReadOnlyList<Tensor> parameters) => parameters.Select(p => p.detach().clone()).ToArray();

    private static void AssertRestored(Tensor[] before, IReadOnlyList<Tensor> parameters)
    {
        for (var i = 0; i < before.Length; i++) Assert.True(before[i].eq(parameters[i]).all().item<bool>(), "parameters restored bit-exactly");
    }

    private static double Phi(double max, double f0) => 100 * (max - f0) / (1 + f0);

    [Fact]
    public void Sharpness_of_a_linear_loss_is_the_vertex_of_its_gradient_signs_after_one_step()
    {
        // f(θ) = c·θ + 1: the maximum over |y_i| ≤ b_i is c·θ + 1 + Σ|c_i| b_i, at y = b ⊙ sign(c).
        using var scope = NewDisposeScope();
        using var generator = new Generator(3);
        var c = randn([12], dtype: ScalarType.Float64, generator: generator);
        var theta = randn([12], dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
        var before = Copies([theta]);
        const double epsilon = 1e-2;
        var f0 = c.dot(theta).item<double>() + 1;
        var max = f0 + (c.abs() * (theta.detach().abs() + 1) * epsilon).sum().item<double>();

        var result = SharpnessAscent.Measure((_, _) => (c.dot(theta) + 1).reshape(1), 1, [theta], epsilon, 1e-3, 100);

        Approx.Relative(Phi(max, f0), result.Sharpness, 1e-12);
        Assert.True(result.Converged);
        Assert.Equal(1, result.Steps); // the second candidate is the same vertex: stationary, no second pass
        AssertRestored(before, [theta]);
    }

    [Fact]
    public void Sharpness_of_a_diagonal_quadratic_is_its_closed_form_box_maximum_and_stops_early()
    {
        // For separable convex L the maximum over the box |y_i| ≤ ε(|θ_i| + 1) is at the vertex y_i = b_i·sign(∂_i L).
        using var q = new Quadratic([4, 3, 2.5, 2, 1.5, 1, 0.8, 0.6, 0.4, 0.2], seed: 8, diagonal: true);
        using var scope = NewDisposeScope();
        var before = Copies(q.Parameters);
        var theta = q.ThetaValue();
        const double epsilon = 1e-2;
        var worst = theta + (theta.abs() + 1) * epsilon * (theta - q.Minimum).sign();

        var result = SharpnessAscent.Measure((_, _) => q.Loss().reshape(1), 1, q.Parameters, epsilon, 1e-3, 100);

        Approx.Relative(Phi(q.LossAt(worst), q.LossAt(theta)), result.Sharpness, 1e-12);
        Assert.True(result.Converged);
        Assert.InRange(result.Steps, 1, SharpnessAscent.Window);
        AssertRestored(before, q.Parameters);
    }

    [Theory]
    [InlineData(0.35, 9)]
    [InlineData(0.4, 10)]
    [InlineData(0.5, 10)]
    [InlineData(0.7, 10)]
    public void Sharpness_of_a_convex_quadratic_ends_at_a_vertex_no_single_flip_improves(double epsilon, int seed)
    {
        // A convex function's maximum over a box is at a vertex; all 2^10 are enumerated. Like L-BFGS-B (Keskar's
        // method), the ascent is local: it ends at a KKT vertex (the gradient points out of the box in every coordinate),
        // which is the largest vertex when the box is small against the curvature (the regime of ε-sharpness; the first
        // case), and at least the first gradient's vertex otherwise (the other cases need several steps, and the
        // largest vertex is up to 20% higher there: a jump across the box that no local method sees).
        using var q = new Quadratic([4, 3, 2.5, 2, 1.5, 1, 0.8, 0.6, 0.4, 0.2], seed: seed);
        using var scope = NewDisposeScope();
        var before = Copies(q.Parameters);
        var theta = q.ThetaValue();
        var bound = (theta.abs() + 1) * epsilon;
        var f0 = q.LossAt(theta);
        var vertices = new double[1 << 10];
        for (var v = 0; v < vertices.Length; v++)
        {
            var signs = tensor(Enumerable.Range(0, 10).Select(i => (v >> i & 1) == 1 ? 1.0 : -1.0).ToArray(), dtype: ScalarType.Float64);
            vertices[v] = q.LossAt(theta + bound * signs);
        }
        var firstVertex = q.LossAt(theta + bound * q.A.matmul(theta - q.Minimum).sign());

        var result = SharpnessAscent.Measure((_, _) => q.Loss().reshape(1), 1, q.Parameters, epsilon, 1e-6, 100);

        Assert.True(result.Converged);
        var reached = Enumerable.Range(0, vertices.Length).Single(v => Math.Abs(Phi(vertices[v], f0) - result.Sharpness) <= 1e-9 * result.Sharpness);
        var side = tensor(Enumerable.Range(0, 10).Select(i => (reached >> i & 1) == 1 ? 1.0 : -1.0).ToArray(), dtype: ScalarType.Float64);
        var outward = q.A.matmul(theta + bound * side - q.Minimum) * side;
        Assert.True(outward.min().item<double>() >= 0, "a KKT vertex: the gradient points out of the box in every coordinate");
        Assert.True(vertices[reached] >= firstVertex);
        if (seed == 9) Approx.Relative(Phi(vertices.Max(), f0), result.Sharpness, 1e-12);
        else Assert.True(result.Steps > 1 && vertices[reached] > firstVertex, "several steps improved on the first vertex");
        AssertRestored(before, q.Parameters);
    }

    [Fact]
    public void Sharpness_reports_the_cap_when_the_ascent_has_not_converged()
    {
        // A concave loss with its maximum inside the box: sign steps approach it by halving, never exactly.
        using var scope = NewDisposeScope();
        var theta = tensor(new[] { 0.0, 0.0, 0.0 }, dtype: ScalarType.Float64).requires_grad_(true);
        var peak = tensor(new[] { 3e-3, -4e-3, 1e-3 }, dtype: ScalarType.Float64);
        var before = Copies([theta]);
        ExampleLosses loss = (_, _) => (-(theta - peak).pow(2).sum()).reshape(1);

        var capped = SharpnessAscent.Measure(loss, 1, [theta], 1e-2, 1e-9, 4);
        var free = SharpnessAscent.Measure(loss, 1, [theta], 1e-2, 1e-9, 200);

        Assert.False(capped.Converged);
        Assert.Equal(4, capped.Steps);
        Assert.True(free.Converged);
        Assert.InRange(free.Steps, 5, 199);
        Approx.Relative(Phi(0, -(3e-3 * 3e-3 + 4e-3 * 4e-3 + 1e-3 * 1e-3)), free.Sharpness, 1e-6);
        AssertRestored(before, [theta]);
    }

    [Fact]
    public void Sharpness_standard_error_is_the_closed_form_over_examples_and_shrinks_like_one_over_root_n()
    {
        // Per-example linear losses ℓ_n(θ) = a_n·θ: the box maximum of their mean is at b ⊙ sign(ā), and each example's
        // increase there is d_n = a_n·y*, so the standard error is sd(d)/√n, scaled like φ. Chunks of the losses are asked for.
        var errors = new List<double>();
        foreach (var n in new[] { 500, 2_000, 8_000 })
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(11);
            var a = randn([n, 6], dtype: ScalarType.Float64, generator: generator) + 0.5;
            var theta = randn([6], dtype: ScalarType.Float64, generator: generator).requires_grad_(true);
            var before = Copies([theta]);
            const double epsilon = 1e-3;
            var asked = new List<(long, long)>();
            ExampleLosses losses = (start, count) =>
            {
                asked.Add((start, count));
                return a.narrow(0, start, count).matmul(theta);
            };

            var result = SharpnessAscent.Measure(losses, n, [theta], epsilon, 1e-3, 100);

            var y = (theta.detach().abs() + 1) * epsilon * a.mean([0]).sign();
            var d = a.matmul(y);
            var f0 = a.matmul(theta.detach()).mean().item<double>();
            Approx.Relative(Phi(f0 + d.mean().item<double>(), f0), result.Sharpness, 1e-9);
            Approx.Relative(100 * d.std().item<double>() / Math.Sqrt(n) / (1 + f0), result.StandardError, 1e-9);
            Assert.Equal(Enumerable.Range(0, (n + SharpnessAscent.Chunk - 1) / SharpnessAscent.Chunk).Select(i => ((long)i * SharpnessAscent.Chunk, (long)Math.Min(SharpnessAscent.Chunk, n - i * SharpnessAscent.Chunk))), asked.Take((n + SharpnessAscent.Chunk - 1) / SharpnessAscent.Chunk));
            AssertRestored(before, [theta]);
            errors.Add(result.StandardError / Math.Abs(result.Sharpness));
        }
        Assert.True(errors[0] > 1.6 * errors[1] && errors[1] > 1.6 * errors[2], $"relative errors {string.Join(", ", errors)} shrink about 2x per 4x examples");
    }
}
