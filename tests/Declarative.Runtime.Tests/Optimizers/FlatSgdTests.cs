using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Optimizers;

/// <summary>FlatSgd must give TorchSharp's SGD element for element (the same operations on one flat tensor).</summary>
public sealed class FlatSgdTests
{
    [Theory]
    [InlineData(0.0, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 0.0, false)]
    [InlineData(0.9, 0.0, 1e-3, true)]
    [InlineData(0.5, 0.1, 1e-2, false)]
    public void Matches_torchsharp_sgd(double momentum, double dampening, double weightDecay, bool nesterov)
    {
        using var reference = Model();
        using var flat = Model();
        using var referenceSgd = optim.SGD(reference.parameters(), 0.05, momentum, dampening, weightDecay, nesterov);
        using var flatSgd = new FlatSgd(flat.parameters().ToList(), 0.05, momentum, dampening, weightDecay, nesterov);
        var generator = new Generator(7);
        for (var step = 0; step < 20; step++)
        {
            using var x = randn(16, 6, generator: generator);
            using var y = randint(3, [16], generator: generator);
            foreach (var (model, optimizer) in new (Mlp, optim.Optimizer)[] { (reference, referenceSgd), (flat, flatSgd) })
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                nn.functional.cross_entropy(model.forward(x), y).backward();
                optimizer.step();
            }
        }
        foreach (var (a, b) in reference.parameters().Zip(flat.parameters()))
        {
            using var diff = (a - b).abs().max();
            Assert.True(diff.item<float>() <= 1e-7f, $"max |Δ| = {diff.item<float>()}");
        }
        flatSgd.Verify();
    }

    [Fact]
    public void Replacing_a_gradient_is_caught()
    {
        using var model = Model();
        using var sgd = new FlatSgd(model.parameters().ToList(), 0.1);
        var first = model.parameters().First();
        first.grad = zeros_like(first);
        Assert.Throws<InvalidOperationException>(() => sgd.Verify());
    }

    private static Mlp Model()
    {
        var generator = new Generator(3);
        var model = new Mlp(6, [10, 8], 3);
        using var noGrad = no_grad();
        foreach (var p in model.parameters()) p.copy_(randn(p.shape, generator: generator) * 0.3);
        return model;
    }
}
