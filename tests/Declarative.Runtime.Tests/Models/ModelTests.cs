using Declarative.Runtime.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Models;

// Compares models created after the same manual_seed: must not share the global random stream with tests running in parallel.
[Collection(Packing.GlobalRandomStream.Name)]
public sealed class ModelTests
{
    [Fact]
    public void Mlp_width_multiplier_scales_hidden_widths_and_normalisation_is_inserted()
    {
        using var mlp = Mlp.Create(20, depth: 2, width: 16, outputs: 3, CPU, new ModelOptions { WidthMultiplier = 1.5, Normalization = ModelNormalization.Ghost(4) });
        var linears = mlp.modules().OfType<Linear>().ToArray();
        Assert.Equal([24L, 20L], linears[0].weight!.shape);
        Assert.Equal([24L, 24L], linears[1].weight!.shape);
        Assert.Equal([3L, 24L], linears[2].weight!.shape);
        Assert.Equal(2, mlp.modules().OfType<GhostBatchNorm>().Count());
        using var scope = NewDisposeScope();
        Assert.Equal([8L, 3L], mlp.forward(randn(8, 20)).shape);
    }

    [Fact]
    public void Init_scale_multiplies_the_default_initialisation()
    {
        manual_seed(5);
        using var plain = SmallCnn.Create([1, 28, 28], 10, CPU, new ModelOptions { Normalization = ModelNormalization.Batch });
        manual_seed(5);
        using var scaled = SmallCnn.Create([1, 28, 28], 10, CPU, new ModelOptions { InitScale = 3, Normalization = ModelNormalization.Batch });
        foreach (var ((name, p), (_, q)) in plain.named_parameters().Zip(scaled.named_parameters()))
        {
            var isNorm = name.StartsWith("norms", StringComparison.Ordinal);
            using var expected = isNorm ? p.detach().clone() : p.detach() * 3;
            Assert.True(q.detach().allclose(expected, rtol: 1e-6, atol: 0), $"{name} scaled {(isNorm ? "not at all" : "by 3")}");
        }
    }

    [Theory]
    [InlineData(1, 28, 28)]
    [InlineData(3, 32, 32)]
    public void Small_cnn_classifies_flat_images(int c, int h, int w)
    {
        using var cnn = SmallCnn.Create([c, h, w], 10, CPU, new ModelOptions { WidthMultiplier = 0.25 });
        Assert.Equal(8, cnn.modules().OfType<Conv2d>().First().weight!.shape[0]);
        using var scope = NewDisposeScope();
        Assert.Equal([4L, 10L], cnn.forward(randn(4, c * h * w)).shape);
    }

    [Fact]
    public void Small_resnet_has_batch_norm_and_classifies_cifar_shaped_inputs()
    {
        using var resnet = SmallResNet.Create([3, 32, 32], 10, CPU, new ModelOptions { WidthMultiplier = 0.5 });
        Assert.True(resnet.modules().OfType<BatchNorm2d>().Count() >= 7);
        using var scope = NewDisposeScope();
        var logits = resnet.forward(randn(4, 3 * 32 * 32));
        Assert.Equal([4L, 10L], logits.shape);
        logits.sum().backward();
        Assert.All(resnet.parameters(), p => Assert.NotNull(p.grad));

        using var ghost = SmallResNet.Create([1, 28, 28], 10, CPU, new ModelOptions { Normalization = ModelNormalization.Ghost(2) });
        Assert.True(ghost.modules().OfType<GhostBatchNorm>().Any());
        Assert.Equal([4L, 10L], ghost.forward(randn(4, 784)).shape);
    }
}
