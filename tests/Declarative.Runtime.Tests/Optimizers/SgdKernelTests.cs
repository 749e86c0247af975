using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Tests.Instruments;
using Declarative.Runtime.Torch;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Optimizers;

/// <summary>One member's SGD step in one pass (SgdKernel) against TorchSharp's kernels doing the same arithmetic, norms included.</summary>
[Collection(GlobalTorchState.Name)]
public sealed class SgdKernelTests
{
    [Theory]
    [InlineData(0.0, 0.0, 0.0, false, false, ScalarType.Float32)]
    [InlineData(0.9, 0.0, 0.0, false, false, ScalarType.Float32)]
    [InlineData(0.9, 0.0, 1e-3, true, false, ScalarType.Float32)]
    [InlineData(0.5, 0.1, 1e-2, false, true, ScalarType.Float32)]
    [InlineData(0.9, 0.0, 1e-3, true, false, ScalarType.Float64)]
    [InlineData(0.5, 0.1, 1e-2, false, true, ScalarType.Float64)]
    public void One_pass_equals_torchsharp_kernels_with_the_norms(double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(5);
        // Two parameters, one of a length that is not a multiple of the vector width.
        Tensor[] Parameters() => [randn([1, 1_037], dtype: dtype, generator: new Generator(9)), randn([1, 64], dtype: dtype, generator: new Generator(10))];
        var ours = Parameters();
        var torch = Parameters();
        using var ourUpdate = new SgdUpdate(ours, [new SgdMember(momentum, weightDecay, nesterov)], dampening, maximize);
        using var torchUpdate = new SgdUpdate(torch, [new SgdMember(momentum, weightDecay, nesterov)], dampening, maximize);
        var tolerance = dtype == ScalarType.Float32 ? 1e-6 : 1e-14;
        for (var step = 0; step < 5; step++)
        {
            Tensor?[] gradients = [randn([1, 1_037], dtype: dtype, generator: generator), randn([1, 64], dtype: dtype, generator: generator)];
            var lr = 0.05 * (step + 1);
            var (g1, u1) = ourUpdate.Step(gradients, [lr], norms: true);
            CpuMemory.UseTorch = true;
            try
            {
                var (g2, u2) = torchUpdate.Step(gradients, [lr], norms: true);
                Assert.Equal(g2!.item<double>(), g1!.item<double>(), g2.item<double>() * tolerance);
                Assert.Equal(u2!.item<double>(), u1!.item<double>(), u2.item<double>() * tolerance);
            }
            finally
            {
                CpuMemory.UseTorch = false;
            }
            foreach (var (a, b) in ours.Zip(torch))
            {
                var scale = b.abs().max().to_type(ScalarType.Float64).item<double>();
                Assert.True((a - b).abs().max().to_type(ScalarType.Float64).item<double>() <= tolerance * scale, $"step {step + 1}");
            }
        }
        Assert.Null(ourUpdate.Step([ours[0].clone(), ours[1].clone()], [0.1]).Gradient);
    }
}
