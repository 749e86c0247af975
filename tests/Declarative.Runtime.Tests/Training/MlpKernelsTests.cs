using Declarative.Runtime.Tests.Instruments;
using Declarative.Runtime.Torch;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

/// <summary>
/// The stacked engine's C# passes against TorchSharp's kernels doing the same arithmetic (the path of tensors on another
/// device, run on the CPU through <see cref="CpuMemory.UseTorch"/>), for one member and for three, in float32 and float64.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class MlpKernelsTests
{
    public static TheoryData<int, ScalarType> Cases => new()
    {
        { 1, ScalarType.Float32 }, { 3, ScalarType.Float32 }, { 1, ScalarType.Float64 }, { 3, ScalarType.Float64 },
    };

    private static double Tolerance(ScalarType dtype) => dtype == ScalarType.Float32 ? 1e-6 : 1e-14;

    private static double MaxRelative(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var scale = Math.Max(1e-30, b.abs().max().to_type(ScalarType.Float64).item<double>());
        return (a - b).abs().max().to_type(ScalarType.Float64).item<double>() / scale;
    }

    /// <summary>Runs <paramref name="pass"/> on copies of <paramref name="inputs"/> with the C# passes and with TorchSharp's; returns both results.</summary>
    private static (Tensor[] Ours, Tensor[] Torch) Both(Tensor[] inputs, Func<Tensor[], Tensor?> pass)
    {
        var ours = inputs.Select(t => t.clone()).ToArray();
        var extra = pass(ours);
        var torch = inputs.Select(t => t.clone()).ToArray();
        CpuMemory.UseTorch = true;
        try
        {
            var torchExtra = pass(torch);
            return (extra is null ? ours : [.. ours, extra], torchExtra is null ? torch : [.. torch, torchExtra]);
        }
        finally
        {
            CpuMemory.UseTorch = false;
        }
    }

    private static void AssertClose((Tensor[] Ours, Tensor[] Torch) results, ScalarType dtype)
    {
        for (var i = 0; i < results.Ours.Length; i++)
            Assert.True(MaxRelative(results.Ours[i], results.Torch[i]) <= Tolerance(dtype), $"tensor {i}: max relative {MaxRelative(results.Ours[i], results.Torch[i])}");
    }

    private static long[] Shape(int k, params long[] rest) => k == 1 ? rest : [k, .. rest];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bias_and_relu_equal_torch(int k, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var h = randn(Shape(k, 13, 37), dtype: dtype);
        var bias = randn(Shape(k, 37), dtype: dtype);
        foreach (var relu in new[] { false, true })
            AssertClose(Both([h, bias], t => { MlpKernels.AddBias(t[0], t[1], k, relu); return null; }), dtype);
        AssertClose(Both([h], t => { MlpKernels.Relu(t[0]); return null; }), dtype);
        var d = randn(Shape(k, 13, 37), dtype: dtype);
        AssertClose(Both([d, h], t => { MlpKernels.ReluBackward(t[0], t[1]); return null; }), dtype);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Softmax_cross_entropy_and_its_gradient_equal_torch(int k, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var logits = randn(Shape(k, 21, 10), dtype: dtype) * 4;
        var labels = randint(0, 10, [k * 21]);
        var g = empty_like(logits);
        var results = Both([logits, g], t => MlpKernels.SoftmaxCrossEntropy(t[0], labels, t[1], k));
        AssertClose(results, dtype);
        Assert.Equal([k], results.Ours[^1].shape);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Column_sums_written_added_and_accumulated_with_momentum_equal_torch(int k, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var g = randn(Shape(k, 19, 43), dtype: dtype);
        var target = randn(Shape(k, 43), dtype: dtype);
        var alphas = Enumerable.Range(0, k).Select(m => -0.1 * (m + 1)).ToArray();
        foreach (var beta in new[] { 0.0, 1.0, 0.9 })
            AssertClose(Both([g, target], t => { MlpKernels.ColumnSums(t[0], t[1], alphas, beta); return null; }), dtype);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batch_norm_forward_and_backward_equal_torch(int k, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var a = randn(Shape(k, 17, 29), dtype: dtype) * 2 + 0.5;
        var gamma = randn([k, 29], dtype: dtype);
        var beta = randn([k, 29], dtype: dtype);
        var runningMean = randn([k, 29], dtype: dtype);
        var runningVar = rand([k, 29], dtype: dtype) + 0.5;
        var normalized = empty_like(a);
        var inverse = empty([k, 29], dtype: dtype);
        AssertClose(Both([a, normalized, inverse, runningMean, runningVar], t =>
        {
            MlpKernels.BatchNormForward(t[0], t[1], t[2], gamma, beta, t[3], t[4], k, 1e-5, 0.1);
            return null;
        }), dtype);

        MlpKernels.BatchNormForward(a.clone(), normalized, inverse, gamma, beta, runningMean.clone(), runningVar.clone(), k, 1e-5, 0.1);
        var d = randn(Shape(k, 17, 29), dtype: dtype);
        var gradGamma = randn([k, 29], dtype: dtype);
        var gradBeta = randn([k, 29], dtype: dtype);
        foreach (var momentum in new[] { 0.0, 0.9 })
            AssertClose(Both([d, gradGamma, gradBeta], t =>
            {
                MlpKernels.BatchNormBackward(t[0], normalized, inverse, gamma, t[1], t[2], k, momentum);
                return null;
            }), dtype);
    }

    [Fact]
    public void A_non_finite_logit_gives_a_nan_loss_and_relu_keeps_nan()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 1, float.PositiveInfinity, 0, 0, 0, 0 }).view(2, 3);
        var g = empty_like(logits);
        var loss = MlpKernels.SoftmaxCrossEntropy(logits, tensor(new long[] { 0, 1 }), g, 1);
        Assert.True(float.IsNaN(loss[0].item<float>()));
        var h = tensor(new float[] { float.NaN, -1, 2 });
        MlpKernels.Relu(h);
        Assert.True(float.IsNaN(h[0].item<float>()));
        Assert.Equal([0f, 2f], h.narrow(0, 1, 2).data<float>().ToArray());
    }

    [Fact]
    public void A_label_outside_the_classes_is_an_error_naming_it()
    {
        using var scope = NewDisposeScope();
        var logits = zeros(2, 3);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MlpKernels.SoftmaxCrossEntropy(logits, tensor(new long[] { 0, 3 }), empty_like(logits), 1));
        Assert.Contains("3 classes", error.Message);
    }
}
