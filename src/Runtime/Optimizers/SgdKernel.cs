using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Declarative.Runtime.Torch;
using static TorchSharp.torch;

namespace Declarative.Runtime.Optimizers;

/// <summary>
/// <see cref="SgdUpdate"/>'s arithmetic for one member's parameter in one pass over θ, g and the momentum buffer v on the CPU
/// (TorchSharp's route is one to five passes: the decayed gradient, v's two, the Nesterov direction, θ's), with the step's
/// squared norms ‖g‖² and ‖direction‖² summed in the same pass: d = g + λθ; v ← d at the first step, else μv + (1 − τ)d;
/// direction = d + μv (Nesterov) or v (or d without momentum); θ ← θ + s·direction, s = ∓η. The hyper-parameters are rounded
/// to the tensors' dtype, as TorchSharp's scalar arguments are.
/// </summary>
internal static class SgdKernel
{
    /// <summary>Vectors each norm sums in the tensors' precision before the sum is added in float64.</summary>
    private const int Run = 64;

    /// <summary>Whether the pass reads these tensors (contiguous CPU tensors of one floating dtype); otherwise TorchSharp's kernels do.</summary>
    public static bool Applies(Tensor parameter, Tensor gradient, Tensor? buffer) =>
        CpuMemory.Direct(parameter)
        && gradient.dtype == parameter.dtype && gradient.is_contiguous() && gradient.device_type == parameter.device_type
        && gradient.numel() == parameter.numel()
        && (buffer is null || (buffer.dtype == parameter.dtype && buffer.is_contiguous() && buffer.device_type == parameter.device_type));

    /// <summary>One step of <paramref name="parameter"/>; returns (‖g‖², ‖direction‖²) in float64 when <paramref name="norms"/>, else zeros.</summary>
    public static (double Gradient, double Direction) Step(Tensor parameter, Tensor gradient, Tensor? buffer, bool first, double step,
        double momentum, double dampening, double weightDecay, bool nesterov, bool norms)
    {
        var settings = new Settings(step, momentum, dampening, weightDecay, nesterov, first, norms);
        return parameter.dtype == ScalarType.Float32
            ? Step(CpuMemory.Of<float>(parameter), CpuMemory.Of<float>(gradient), buffer is null ? default : CpuMemory.Of<float>(buffer), settings)
            : Step(CpuMemory.Of<double>(parameter), CpuMemory.Of<double>(gradient), buffer is null ? default : CpuMemory.Of<double>(buffer), settings);
    }

    private readonly record struct Settings(double Step, double Momentum, double Dampening, double WeightDecay, bool Nesterov, bool First, bool Norms);

    private static (double, double) Step<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> v, Settings s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var c = new Coefficients<T>(T.CreateTruncating(s.Step), T.CreateTruncating(s.Momentum), T.CreateTruncating(1 - s.Dampening),
            T.CreateTruncating(s.WeightDecay), s.WeightDecay != 0, s.First, s.Nesterov);
        var hasMomentum = !v.IsEmpty;
        var vp = MemoryMarshal.Cast<T, Vector<T>>(p);
        var vg = MemoryMarshal.Cast<T, Vector<T>>(g);
        var vv = hasMomentum ? MemoryMarshal.Cast<T, Vector<T>>(v) : default;
        var (gradientSum, directionSum) = (0.0, 0.0);
        for (var start = 0; start < vp.Length; start += Run)
        {
            var end = Math.Min(vp.Length, start + Run);
            var (gs, ds) = (Vector<T>.Zero, Vector<T>.Zero);
            for (var i = start; i < end; i++)
            {
                var direction = Update(ref vp[i], vg[i], vv, i, c);
                if (!s.Norms) continue;
                gs += vg[i] * vg[i];
                ds += direction * direction;
            }
            gradientSum += double.CreateTruncating(Vector.Sum(gs));
            directionSum += double.CreateTruncating(Vector.Sum(ds));
        }
        // The last elements, fewer than a vector, through the same update on a zero-padded vector (the padding adds 0 to the norms).
        var done = vp.Length * Vector<T>.Count;
        if (done < p.Length)
        {
            var tail = p.Length - done;
            Span<T> tp = stackalloc T[Vector<T>.Count], tg = stackalloc T[Vector<T>.Count], tv = stackalloc T[Vector<T>.Count];
            tp.Clear();
            tg.Clear();
            tv.Clear();
            p[done..].CopyTo(tp);
            g[done..].CopyTo(tg);
            if (hasMomentum) v[done..].CopyTo(tv);
            var padded = MemoryMarshal.Cast<T, Vector<T>>(tv);
            var last = MemoryMarshal.Cast<T, Vector<T>>(tp);
            var gradient = MemoryMarshal.Cast<T, Vector<T>>(tg)[0];
            var direction = Update(ref last[0], gradient, hasMomentum ? padded : default, 0, c);
            tp[..tail].CopyTo(p[done..]);
            if (hasMomentum) tv[..tail].CopyTo(v[done..]);
            gradientSum += double.CreateTruncating(Vector.Sum(gradient * gradient));
            directionSum += double.CreateTruncating(Vector.Sum(direction * direction));
        }
        return s.Norms ? (gradientSum, directionSum) : (0, 0);
    }

    private readonly record struct Coefficients<T>(T Step, T Momentum, T Keep, T Decay, bool Decays, bool First, bool Nesterov);

    /// <summary>One vector of the update: d = g + λθ, v ← d or μv + (1 − τ)d, direction, θ ← θ + s·direction; returns the direction.</summary>
    /// <remarks>Inlined into the loops: as a call per vector it took two thirds of the pass (a profile of the step with norms).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> Update<T>(ref Vector<T> p, Vector<T> g, Span<Vector<T>> v, int i, in Coefficients<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var d = c.Decays ? g + c.Decay * p : g;
        var direction = d;
        if (!v.IsEmpty)
        {
            var velocity = c.First ? d : v[i] * c.Momentum + c.Keep * d;
            v[i] = velocity;
            direction = c.Nesterov ? d + c.Momentum * velocity : velocity;
        }
        p += c.Step * direction;
        return direction;
    }
}
