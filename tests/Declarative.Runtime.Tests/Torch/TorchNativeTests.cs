using Declarative.Runtime.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Torch;

/// <summary>libtorch's in-place <c>baddbmm_</c>, reached through its operator entry point (<see cref="TorchNative"/>).</summary>
public sealed class TorchNativeTests
{
    [Fact]
    public void The_in_place_batched_product_is_found()
    {
        // The packed engine's fused update takes it wherever it is found (elsewhere, one addmm_ per member); on the platform
        // the product ships for (Linux x64, libtorch 2.10) it must be, or the packed tests would test only the other route.
        Assert.True(TorchNative.HasBatchedAddMatmul);
    }

    [Theory]
    [InlineData(3, 16, 32, 40)]
    [InlineData(8, 256, 32, 784)]
    public void The_in_place_batched_product_accumulates_into_each_matrix_as_its_own_addmm_does(int k, int n, int m, int p)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(31);
        var self = randn([k, n, p], generator: generator);
        var a = randn([k, m, n], generator: generator).transpose(1, 2); // [k, n, m], not contiguous, as the engine's Gᵀ
        var b = randn([k, m, p], generator: generator);
        var expected = self.clone();
        for (var i = 0; i < k; i++) expected[i].addmm_(a[i], b[i], beta: 1, alpha: -0.05f);

        Assert.True(TorchNative.BatchedAddMatmul(self, a, b, beta: 1, alpha: -0.05f));

        // The same GEMM per matrix: equal to its last bit or within float32 rounding of the accumulation order.
        var scale = expected.abs().max().item<float>();
        Assert.True((self - expected).abs().max().item<float>() <= 2e-6f * scale, "each matrix updated as by its own addmm_");
        Assert.False(self.eq(expected.add(1)).any().item<bool>());
    }

    [Fact]
    public void Operands_that_do_not_fit_are_refused_before_libtorch_sees_them()
    {
        // A C++ exception from libtorch would end the process: shapes, dtypes and devices are checked in C# first.
        using var scope = NewDisposeScope();
        var self = zeros([2, 3, 4]);
        Assert.Throws<ArgumentException>(() => TorchNative.BatchedAddMatmul(self, zeros([2, 3, 5]), zeros([2, 6, 4]), 1, 1));
        Assert.Throws<ArgumentException>(() => TorchNative.BatchedAddMatmul(self, zeros([3, 3, 5]), zeros([3, 5, 4]), 1, 1));
        Assert.Throws<ArgumentException>(() => TorchNative.BatchedAddMatmul(self, zeros([2, 3, 5], dtype: ScalarType.Float64), zeros([2, 5, 4]), 1, 1));
        Assert.Throws<ArgumentException>(() => TorchNative.BatchedAddMatmul(zeros([2, 4, 3]).transpose(1, 2), zeros([2, 3, 5]), zeros([2, 5, 4]), 1, 1));
        Assert.True(self.eq(0).all().item<bool>());
    }
}
