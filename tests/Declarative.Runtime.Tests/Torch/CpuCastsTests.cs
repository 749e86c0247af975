using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Models;
using Declarative.Runtime.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Torch;

/// <summary>
/// The one-pass conversions between parameters and flat float64 vectors (<see cref="CpuCasts"/>, used by
/// <see cref="ParameterVector"/> and ε-sharpness's ascent) against TorchSharp's route for the same values
/// (<see cref="CpuMemory.UseTorch"/>): bit for bit, since both round each element once, as a cast does.
/// </summary>
public sealed class CpuCastsTests
{
    // Parameter shapes whose lengths straddle the vector widths (4 doubles, 8 floats) and a model-sized piece.
    private static readonly long[][] Shapes = [[3], [8, 5], [1], [9], [256, 784], [17]];

    private static T WithTorch<T>(Func<T> f)
    {
        CpuMemory.UseTorch = true;
        try
        {
            return f();
        }
        finally
        {
            CpuMemory.UseTorch = false;
        }
    }

    private static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        // eq and an equal count of each value's bits: NaN-free data, so eq is bitwise equality but for ±0, checked apart.
        Assert.True(expected.eq(actual).all().item<bool>(), "equal values");
        Assert.True(expected.signbit().eq(actual.signbit()).all().item<bool>(), "equal signs of zero");
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Flatten_Assign_and_AssignLine_set_and_read_what_TorchSharp_does_bit_for_bit(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(21);
        var parameters = Shapes.Select(s => (randn(s, dtype: ScalarType.Float64, generator: generator) * 3).to_type(dtype)).ToArray();
        parameters[0][0] = -0.0; // a negative zero converts and comes back as one
        var n = ParameterVector.Count(parameters);
        var origin = randn([n], dtype: ScalarType.Float64, generator: generator);
        var direction = randn([n], dtype: ScalarType.Float64, generator: generator) * 1e-3;

        AssertSame(WithTorch(() => ParameterVector.Flatten(parameters)), ParameterVector.Flatten(parameters));

        foreach (var alpha in new[] { 0.0, -0.35, 1.0 / 3, 1.5 })
        {
            var ours = parameters.Select(p => p.clone()).ToArray();
            var theirs = parameters.Select(p => p.clone()).ToArray();
            ParameterVector.AssignLine(ours, origin, alpha, direction);
            WithTorch(() =>
            {
                ParameterVector.Assign(theirs, origin + alpha * direction);
                return 0;
            });
            for (var i = 0; i < ours.Length; i++) AssertSame(theirs[i], ours[i]);
            // The values are rounded from float64 (not float32 arithmetic): a float32 sum would differ in some element.
            if (dtype == ScalarType.Float32 && alpha != 0)
            {
                var single = ParameterVector.Split(origin, parameters).Zip(ParameterVector.Split(direction, parameters), (o, d) => o + (float)alpha * d).ToArray();
                Assert.Contains(Enumerable.Range(0, ours.Length), i => !single[i].eq(ours[i]).all().item<bool>());
            }
        }

        var assigned = parameters.Select(p => p.clone()).ToArray();
        var expected = parameters.Select(p => p.clone()).ToArray();
        ParameterVector.Assign(assigned, origin);
        WithTorch(() =>
        {
            ParameterVector.Assign(expected, origin);
            return 0;
        });
        for (var i = 0; i < assigned.Length; i++) AssertSame(expected[i], assigned[i]);
    }

    [Fact]
    public void Sharpness_ascent_of_a_float32_MLP_equals_TorchSharps_route_bit_for_bit()
    {
        // The candidate pass (clip of y + α b ⊙ sign g) and the conversions decide every step of the ascent: one different
        // element changes the losses, the steps taken and the result.
        using var scope = NewDisposeScope();
        torch.manual_seed(5);
        using var model = Mlp.Create(20, [32, 32], 5, CPU);
        using var generator = new Generator(6);
        var x = randn([64, 20], generator: generator);
        var y = randint(0, 5, [64], generator: generator);
        var parameters = model.parameters().ToArray();
        var before = parameters.Select(p => p.detach().clone()).ToArray();
        ExampleLosses losses = (start, count) => nn.functional.cross_entropy(model.forward(x.narrow(0, start, count)), y.narrow(0, start, count), reduction: nn.Reduction.None);

        var ours = SharpnessAscent.Measure(losses, 64, parameters, 5e-2, 1e-6, 40);
        var theirs = WithTorch(() => SharpnessAscent.Measure(losses, 64, parameters, 5e-2, 1e-6, 40));

        Assert.Equal(theirs, ours);
        Assert.True(ours.Steps > 3, $"the ascent took {ours.Steps} steps: too few to test the candidate pass");
        Assert.True(ours.Sharpness > 0);
        for (var i = 0; i < parameters.Length; i++) AssertSame(before[i], parameters[i].detach());
    }
}
