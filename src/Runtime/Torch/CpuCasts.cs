using System.Numerics;
using System.Runtime.InteropServices;

namespace Declarative.Runtime.Torch;

/// <summary>
/// Conversions between a model's float32 parameters and the flat float64 vectors the numeric algorithms work on, in one
/// pass over CPU memory with no temporary: the instruments that walk parameter space (line profiles, ε-sharpness's ascent,
/// Lanczos's products) convert at every point, and TorchSharp's route (a float64 temporary per operation, <c>cat</c>, a cast
/// per piece, a copy) cost as much as a forward pass on a batch-sized subset (docs/benchmarks/instruments.md). Each
/// element is converted as a cast does it: float32 to float64 exactly, float64 to float32 rounded to nearest even.
/// </summary>
internal static class CpuCasts
{
    /// <summary>target[i] = source[i], float32 widened to float64.</summary>
    public static void Widen(ReadOnlySpan<float> source, Span<double> target)
    {
        if (target.Length != source.Length) throw new ArgumentException("The spans differ in length.", nameof(target));
        var vs = MemoryMarshal.Cast<float, Vector<float>>(source);
        var vt = MemoryMarshal.Cast<double, Vector<double>>(target);
        for (var i = 0; i < vs.Length; i++) Vector.Widen(vs[i], out vt[2 * i], out vt[2 * i + 1]);
        for (var i = vs.Length * Vector<float>.Count; i < source.Length; i++) target[i] = source[i];
    }

    /// <summary>target[i] = (float)source[i].</summary>
    public static void Narrow(ReadOnlySpan<double> source, Span<float> target)
    {
        if (target.Length != source.Length) throw new ArgumentException("The spans differ in length.", nameof(target));
        var vs = MemoryMarshal.Cast<double, Vector<double>>(source);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target);
        for (var i = 0; i < vt.Length; i++) vt[i] = Vector.Narrow(vs[2 * i], vs[2 * i + 1]);
        for (var i = vt.Length * Vector<float>.Count; i < source.Length; i++) target[i] = (float)source[i];
    }

    /// <summary>
    /// target[i] = (float)(origin[i] + alpha · direction[i]), the product and the sum each rounded in float64 (no fused
    /// multiply-add), as <c>origin + alpha * direction</c> on float64 tensors computes them.
    /// </summary>
    public static void NarrowLine(ReadOnlySpan<double> origin, double alpha, ReadOnlySpan<double> direction, Span<float> target)
    {
        if (origin.Length != target.Length || direction.Length != target.Length) throw new ArgumentException("The spans differ in length.", nameof(target));
        var vo = MemoryMarshal.Cast<double, Vector<double>>(origin);
        var vd = MemoryMarshal.Cast<double, Vector<double>>(direction);
        var vt = MemoryMarshal.Cast<float, Vector<float>>(target);
        var a = new Vector<double>(alpha);
        for (var i = 0; i < vt.Length; i++)
        {
            var low = vo[2 * i] + vd[2 * i] * a;
            var high = vo[2 * i + 1] + vd[2 * i + 1] * a;
            vt[i] = Vector.Narrow(low, high);
        }
        for (var i = vt.Length * Vector<float>.Count; i < target.Length; i++) target[i] = (float)(origin[i] + direction[i] * alpha);
    }
}
