using Declarative.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Models;

public sealed class GhostBatchNormTests
{
    private static Tensor Input(params long[] shape)
    {
        using var generator = new Generator(42);
        return randn(shape, ScalarType.Float64, generator: generator).mul_(3).add_(1.5);
    }

    [Fact]
    public void Virtual_batch_equal_to_the_batch_is_batch_norm()
    {
        using var scope = NewDisposeScope();
        var x = Input(16, 5);
        var ghost = new GhostBatchNorm(5, virtualBatchSize: 16);
        var bn = nn.BatchNorm1d(5);
        ghost.to(ScalarType.Float64);
        bn.to(ScalarType.Float64);

        Assert.True(ghost.forward(x).allclose(bn.forward(x), rtol: 0, atol: 1e-12));
        var ghostStats = ghost.buffers().ToArray();
        var bnStats = bn.buffers().ToArray();
        Assert.True(ghostStats[0].allclose(bnStats[0], rtol: 0, atol: 1e-12)); // running mean
        Assert.True(ghostStats[1].allclose(bnStats[1], rtol: 0, atol: 1e-12)); // running var

        ghost.eval();
        bn.eval();
        var y = Input(7, 5);
        Assert.True(ghost.forward(y).allclose(bn.forward(y), rtol: 0, atol: 1e-12));
    }

    [Fact]
    public void Each_ghost_batch_is_normalised_separately()
    {
        using var scope = NewDisposeScope();
        var x = Input(16, 5);
        x.narrow(0, 4, 4).add_(10); // ghost batches with different statistics
        var ghost = new GhostBatchNorm(5, virtualBatchSize: 4);
        var reference = nn.BatchNorm1d(5);
        ghost.to(ScalarType.Float64);
        reference.to(ScalarType.Float64);

        var output = ghost.forward(x);

        for (var i = 0; i < 4; i++)
        {
            var chunk = output.narrow(0, 4 * i, 4);
            Assert.True(chunk.mean([0L]).abs().max().item<double>() < 1e-12, $"ghost batch {i} has mean zero");
            Assert.True((chunk.var([0L], unbiased: false) - 1).abs().max().item<double>() < 1e-4, $"ghost batch {i} has unit variance");
            // The same as batch norm applied to that ghost batch alone, with running statistics updated in turn.
            Assert.True(chunk.allclose(reference.forward(x.narrow(0, 4 * i, 4)), rtol: 0, atol: 1e-12));
        }
        var whole = nn.BatchNorm1d(5);
        whole.to(ScalarType.Float64);
        Assert.False(output.allclose(whole.forward(x)), "differs from whole-batch BN");
        Assert.True(ghost.buffers().First().allclose(reference.buffers().First(), rtol: 0, atol: 1e-12), "running mean updated per ghost batch");

        ghost.eval();
        reference.eval();
        var y = Input(3, 5);
        Assert.True(ghost.forward(y).allclose(reference.forward(y), rtol: 0, atol: 1e-12), "evaluation uses the running statistics");
    }

    [Fact]
    public void Spatial_ghost_batch_norm_with_a_full_virtual_batch_is_batch_norm_2d()
    {
        using var scope = NewDisposeScope();
        var x = Input(8, 3, 4, 4);
        var ghost = new GhostBatchNorm(3, virtualBatchSize: 8, spatial: true);
        var bn = nn.BatchNorm2d(3);
        ghost.to(ScalarType.Float64);
        bn.to(ScalarType.Float64);
        Assert.True(ghost.forward(x).allclose(bn.forward(x), rtol: 0, atol: 1e-12));

        var split = new GhostBatchNorm(3, virtualBatchSize: 2, spatial: true);
        split.to(ScalarType.Float64);
        var out2 = split.forward(x).narrow(0, 2, 2);
        Assert.True(out2.mean([0L, 2L, 3L]).abs().max().item<double>() < 1e-12);
    }
}
