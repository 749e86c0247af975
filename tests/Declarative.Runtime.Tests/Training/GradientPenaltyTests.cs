using Declarative.Runtime.Data;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

/// <summary>∇(L + λ‖∇L‖²) = ∇L + 2λ H ∇L, checked on quadratics where ∇L and H are known in closed form.</summary>
public sealed class GradientPenaltyTests
{
    [Fact]
    public void Penalty_gradient_matches_the_closed_form_on_a_quadratic()
    {
        using var scope = NewDisposeScope();
        // L(θ) = ½ θᵀAθ − bᵀθ: ∇L = Aθ − b, H = A.
        var a = tensor(new[] { 3.0, 1.0, 0.5, 1.0, 2.0, -0.3, 0.5, -0.3, 1.5 }, [3, 3], ScalarType.Float64);
        var b = tensor(new[] { 1.0, -2.0, 0.5 }, ScalarType.Float64);
        var theta = tensor(new[] { 0.3, -0.7, 1.1 }, ScalarType.Float64).requires_grad_(true);
        const double lambda = 0.25;

        var loss = 0.5 * theta.dot(a.matmul(theta)) - b.dot(theta);
        var normSquared = GradientPenalty.Backward(loss, [theta], lambda);

        using var noGrad = no_grad();
        var gradL = a.matmul(theta) - b;
        var expected = gradL + 2 * lambda * a.matmul(gradL);
        Assert.True(theta.grad!.allclose(expected, rtol: 0, atol: 1e-12), $"got {theta.grad.str()}, expected {expected.str()}");
        Assert.Equal(gradL.square().sum().item<double>(), normSquared.item<double>(), 12);
    }

    [Fact]
    public void Loop_update_uses_the_penalised_gradient_on_least_squares()
    {
        using var scope = NewDisposeScope();
        // Linear regression, full batch: L = (1/n)‖Xw − y‖², ∇L = (2/n)Xᵀ(Xw − y), H = (2/n)XᵀX.
        const int n = 6;
        var x = tensor(new[] { 1.0, 0.2, -0.5, 0.3, 1.5, 0.1, -0.4, 0.8, 2.0, 0.0, -1.0, 0.6, 0.7, -0.2, 0.3, 1.2, 0.5, -0.9 }, [n, 3], ScalarType.Float64);
        var y = tensor(new[] { 0.5, -1.0, 2.0, 0.3, -0.2, 1.1 }, [n, 1], ScalarType.Float64);
        using var data = new ClassificationData("least-squares", x.alias(), y.alias(), x.alias(), y.alias(), classCount: 0);
        using var model = nn.Linear(3, 1, hasBias: false, dtype: ScalarType.Float64);
        using (no_grad()) model.weight!.copy_(tensor(new[] { 0.2, -0.1, 0.4 }, [1, 3], ScalarType.Float64));
        var w0 = model.weight!.detach().clone().t();
        const double lr = 0.05, lambda = 0.3;
        using var optimizer = optim.SGD(model.parameters(), lr);
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: n, epochs: 1, seed: 0,
            new TrainingOptions { GradientPenalty = lambda });
        Tensor? seen = null;
        loop.BeforeUpdate += _ => seen = model.weight!.grad!.detach().clone().t().MoveToOuterDisposeScope();

        Assert.True(loop.Next());
        Assert.NotNull(seen);

        var gradL = 2.0 / n * x.t().matmul(x.matmul(w0) - y);
        var h = 2.0 / n * x.t().matmul(x);
        var expected = gradL + 2 * lambda * h.matmul(gradL);
        Assert.True(seen!.allclose(expected, rtol: 0, atol: 1e-12), $"grad {seen.str()}, expected {expected.str()}");
        Assert.True(model.weight!.detach().t().allclose(w0 - lr * expected, rtol: 0, atol: 1e-12));
        Assert.Equal((x.matmul(w0) - y).square().mean().item<double>(), loop.State.BatchLoss.item<double>(), 12);
        Assert.Equal(gradL.square().sum().item<double>(), loop.State.BatchGradientNormSquared!.item<double>(), 12);
        Assert.False(loop.Next());
    }

    [Fact]
    public void Penalty_double_backward_runs_through_batch_norm_pooling_and_ghost_batches()
    {
        using var data = Synthetic.GaussianMixture(classes: 3, dimension: 16, train: 32, test: 4, seed: 1);
        var imageData = new ClassificationData("images", data.TrainInputs.alias(), data.TrainLabels.alias(), data.TestInputs.alias(), data.TestLabels.alias(), 3)
        {
            InputShape = [1, 4, 4],
        };
        using var __ = imageData;
        manual_seed(1);
        using var mlp = Declarative.Runtime.Models.Mlp.Create(16, [8], 3, CPU, new Declarative.Runtime.Models.ModelOptions { Normalization = Declarative.Runtime.Models.ModelNormalization.Ghost(4) });
        using var cnn = Declarative.Runtime.Models.SmallCnn.Create([1, 4, 4], 3, CPU, new Declarative.Runtime.Models.ModelOptions { Normalization = Declarative.Runtime.Models.ModelNormalization.Batch, WidthMultiplier = 0.25 });
        foreach (var model in new nn.Module<Tensor, Tensor>[] { mlp, cnn })
        {
            using var optimizer = optim.SGD(model.parameters(), 0.01);
            using var loop = new ClassificationLoop(model, optimizer, imageData, batchSize: 16, epochs: 1, seed: 0, new TrainingOptions { GradientPenalty = 0.1 });
            while (loop.Next())
            {
                Assert.True(loop.LossIsFinite(out _));
                Assert.True(loop.State.BatchGradientNormSquared!.item<float>() > 0);
            }
            Assert.Equal(2, loop.State.Step);
        }
    }
}
