using Declarative.Runtime.Tests.Instruments;
using Declarative.Runtime.Torch;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Torch;

/// <summary>The one-pass squared norms and distances against the same sums in float64 by TorchSharp.</summary>
[Collection(GlobalTorchState.Name)]
public sealed class CpuReductionsTests
{
    // Lengths around the vector width, the single-precision run (64 vectors) and a model's 269,322 parameters.
    public static TheoryData<int> Lengths => [1, 7, 8, 9, 511, 512, 513, 4_099, 269_322];

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float32_norms_and_distances_equal_float64_sums_to_single_precision(int n)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(11);
        var a = randn([n], generator: generator) * 3 + 1;
        var b = randn([n], generator: generator);
        var expectedNorm = a.to_type(ScalarType.Float64).square().sum().item<double>();
        var expectedDistance = (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float32).to_type(ScalarType.Float64)).square().sum().item<double>();
        // The difference is formed in float32 (as a − b would be): its rounding is the only error beyond the sum's.
        var roundedDistance = (a - b).to_type(ScalarType.Float64).square().sum().item<double>();

        Assert.Equal(expectedNorm, CpuReductions.SquaredNorm(a), expectedNorm * 1e-6);
        Assert.Equal(roundedDistance, CpuReductions.SquaredDistance(a, b), roundedDistance * 1e-6);
        Assert.Equal(expectedDistance, CpuReductions.SquaredDistance(a, b), expectedDistance * 1e-5);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Float64_norms_and_distances_are_exact_to_double_rounding(int n)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(12);
        var a = randn([n], dtype: ScalarType.Float64, generator: generator);
        var b = randn([n], dtype: ScalarType.Float64, generator: generator);
        var norm = a.square().sum().item<double>();
        var distance = (a - b).square().sum().item<double>();

        Assert.Equal(norm, CpuReductions.SquaredNorm(a), norm * 1e-13);
        Assert.Equal(distance, CpuReductions.SquaredDistance(a, b), distance * 1e-13);
    }

    [Fact]
    public void Views_offsets_and_non_contiguous_tensors_read_their_own_elements()
    {
        using var scope = NewDisposeScope();
        var buffer = arange(0, 1000, dtype: ScalarType.Float32).div_(100);
        var slice = buffer.narrow(0, 300, 250);           // contiguous, at an offset into its storage
        var strided = buffer.view(100, 10).t();            // not contiguous: TorchSharp's kernels
        var row = buffer.view(10, 100)[3];

        Assert.Equal(slice.to_type(ScalarType.Float64).square().sum().item<double>(), CpuReductions.SquaredNorm(slice), 1e-3);
        Assert.Equal(buffer.to_type(ScalarType.Float64).square().sum().item<double>(), CpuReductions.SquaredNorm(strided), 1e-1);
        Assert.Equal((row - slice.narrow(0, 0, 100)).to_type(ScalarType.Float64).square().sum().item<double>(),
            CpuReductions.SquaredDistance(row, slice.narrow(0, 0, 100)), 1e-3);
        Assert.Throws<ArgumentException>(() => CpuReductions.SquaredDistance(slice, row));
    }

    /// <summary>
    /// The correct-prediction count against <c>argmax</c>'s (TorchSharp's kernels through the test hook) on logits with ties
    /// (the first of equal largest logits wins) and NaNs (a NaN counts as the largest), in float32 and float64.
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Correct_predictions_follow_argmax_with_ties_and_NaNs(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        using var generator = new TorchSharp.torch.Generator(13);
        const int rows = 600, classes = 10;
        var logits = randint(0, 4, [rows, classes], generator: generator).to_type(dtype); // few values: many ties
        var labels = randint(0, classes, [rows], generator: generator);
        var nan = rand([rows, classes], generator: generator).lt(0.03);
        logits.masked_fill_(nan, double.NaN);
        // Rows whose label is the first of several equal largest logits, or the first NaN after a larger logit.
        logits[0].copy_(tensor(new double[] { 1, 3, 3, 0, 0, 0, 0, 0, 0, 0 }, dtype: dtype));
        labels[0] = 1;
        logits[1].copy_(tensor(new double[] { 5, 1, double.NaN, double.NaN, 0, 0, 0, 0, 0, 9 }, dtype: dtype));
        labels[1] = 2;

        var ours = CpuReductions.CorrectPredictions(logits, labels);
        long torchCount;
        CpuMemory.UseTorch = true;
        try
        {
            torchCount = CpuReductions.CorrectPredictions(logits, labels);
        }
        finally
        {
            CpuMemory.UseTorch = false;
        }
        Assert.Equal(logits.argmax(1).eq(labels).sum().item<long>(), torchCount);
        Assert.Equal(torchCount, ours);
        Assert.InRange(ours, 2, rows - 1); // the two rows above are correct; a count of all or none would test nothing
        Assert.Throws<ArgumentException>(() => CpuReductions.CorrectPredictions(logits, labels.narrow(0, 0, 5)));
    }
}
