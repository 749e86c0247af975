using System.Numerics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Declarative.Runtime.Torch;

/// <summary>
/// Squared norms and squared distances of CPU tensors in one pass over their memory, without a temporary and without a
/// kernel launch: the instruments read these every step (‖g_t‖², ‖θ_t − θ_0‖²), and TorchSharp's route (a difference tensor,
/// <c>vector_norm</c>, a cast, a read-back) costs three to seven times this pass on a 270,000-parameter MLP (docs/benchmarks.md).
/// Float32 is squared and summed in single precision over runs of <see cref="Run"/> elements per vector lane, each run's
/// sum added in float64 (a relative error of order 1e-7, as <c>vector_norm</c>'s own); float64 throughout for float64
/// tensors. Other tensors (another device or dtype, not contiguous) go through TorchSharp's kernels. Also the count of a
/// mini-batch's correct predictions from its logits, which <c>BatchAccuracy</c> reads every step.
/// </summary>
internal static class CpuReductions
{
    /// <summary>Elements each vector lane sums in single precision before its sum is added in double precision.</summary>
    private const int Run = 64;

    /// <summary>Σ tᵢ² in float64.</summary>
    public static double SquaredNorm(Tensor t)
    {
        if (!CpuMemory.Direct(t)) return Fallback(t);
        return t.dtype == ScalarType.Float32 ? Sum(CpuMemory.Of<float>(t), default) : Sum(CpuMemory.Of<double>(t), default);
    }

    /// <summary>Σ (aᵢ − bᵢ)² in float64, for tensors of one shape and dtype.</summary>
    public static double SquaredDistance(Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) throw new ArgumentException("The tensors differ in shape.", nameof(b));
        if (!CpuMemory.Direct(a) || !CpuMemory.Direct(b) || a.dtype != b.dtype)
        {
            using var difference = a - b;
            return Fallback(difference);
        }
        return a.dtype == ScalarType.Float32 ? Sum(CpuMemory.Of<float>(a), CpuMemory.Of<float>(b)) : Sum(CpuMemory.Of<double>(a), CpuMemory.Of<double>(b));
    }

    /// <summary>
    /// How many rows of <paramref name="logits"/> ([B, C]) have their largest logit at the row's label (<paramref name="labels"/>,
    /// [B]), with <c>argmax</c>'s rules: the first of equal largest logits, and a NaN counts as the largest (the first NaN).
    /// One pass over the logits; other tensors go through TorchSharp's <c>argmax</c>.
    /// </summary>
    public static long CorrectPredictions(Tensor logits, Tensor labels)
    {
        if (logits.dim() != 2 || labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"Logits [{string.Join(", ", logits.shape)}] and labels [{string.Join(", ", labels.shape)}] do not pair row by row.", nameof(labels));
        if (!CpuMemory.Direct(logits) || !CpuMemory.Holds<long>(labels))
        {
            using var scope = NewDisposeScope();
            return logits.argmax(1).eq(labels).sum().item<long>();
        }
        var classes = (int)logits.shape[1];
        return logits.dtype == ScalarType.Float32
            ? Correct<float>(CpuMemory.Of<float>(logits), CpuMemory.Of<long>(labels), classes)
            : Correct<double>(CpuMemory.Of<double>(logits), CpuMemory.Of<long>(labels), classes);
    }

    private static long Correct<T>(ReadOnlySpan<T> logits, ReadOnlySpan<long> labels, int classes) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var correct = 0L;
        for (var r = 0; r < labels.Length; r++)
        {
            var row = logits.Slice(r * classes, classes);
            var best = 0;
            for (var c = 1; c < classes && !T.IsNaN(row[best]); c++)
                if (T.IsNaN(row[c]) || row[c] > row[best]) best = c;
            if (best == labels[r]) correct++;
        }
        return correct;
    }

    private static double Fallback(Tensor t)
    {
        using var norm = linalg.vector_norm(t);
        using var wide = norm.to_type(ScalarType.Float64);
        var n = wide.item<double>();
        return n * n;
    }

    /// <summary>Σ (aᵢ − bᵢ)², or Σ aᵢ² when <paramref name="b"/> is empty.</summary>
    private static double Sum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var difference = !b.IsEmpty;
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = difference ? MemoryMarshal.Cast<float, Vector<float>>(b) : default;
        var total = Vector<double>.Zero;
        for (var start = 0; start < va.Length; start += Run)
        {
            var end = Math.Min(va.Length, start + Run);
            var run = Vector<float>.Zero;
            for (var i = start; i < end; i++)
            {
                var x = difference ? va[i] - vb[i] : va[i];
                run += x * x;
            }
            Vector.Widen(run, out var low, out var high);
            total += low + high;
        }
        var sum = Vector.Sum(total);
        for (var i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            double x = difference ? a[i] - b[i] : a[i];
            sum += x * x;
        }
        return sum;
    }

    private static double Sum(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var difference = !b.IsEmpty;
        var va = MemoryMarshal.Cast<double, Vector<double>>(a);
        var vb = difference ? MemoryMarshal.Cast<double, Vector<double>>(b) : default;
        var total = Vector<double>.Zero;
        for (var i = 0; i < va.Length; i++)
        {
            var x = difference ? va[i] - vb[i] : va[i];
            total += x * x;
        }
        var sum = Vector.Sum(total);
        for (var i = va.Length * Vector<double>.Count; i < a.Length; i++)
        {
            var x = difference ? a[i] - b[i] : a[i];
            sum += x * x;
        }
        return sum;
    }
}
