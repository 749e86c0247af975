using System.Numerics;
using System.Runtime.InteropServices;
using Declarative.Runtime.Torch;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// ε-sharpness as defined by Keskar et al. (2017, eq. 4) in the full parameter space (A = I):
/// φ(x, ε) = 100 · (max_{y ∈ C_ε} f(x + y) − f(x)) / (1 + f(x)), C_ε = { y : |y_i| ≤ ε (|x_i| + 1) },
/// f the mean of per-example losses.
/// </summary>
/// <remarks>
/// <para>
/// Keskar solve the inner maximisation with L-BFGS-B. Here it is projected sign ascent with step halving, run to
/// convergence: from the best point y_b found so far (with gradient g_b) the candidate is
/// y = clip(y_b + α b ⊙ sign g_b, −b, b), b the box half-widths. A candidate with a larger loss becomes the best point and
/// α doubles (at most 1, a whole box width, so the first step lands on the vertex b ⊙ sign ∇f(x), the maximiser of the
/// linearised loss); otherwise α halves and the next candidate starts again from y_b. The best loss thus rises
/// monotonically, and a step that overshoots (a coordinate whose gradient changed sign) is retried shorter instead of
/// oscillating between vertices, as a fixed full-box sign step does.
/// </para>
/// <para>
/// Stopping: converged when the best loss rose by at most <c>tolerance</c> × (its rise above f(x)) over the last
/// <see cref="Window"/> steps, or at once when the candidate equals y_b (the projected sign step cannot move: for a
/// linear loss after the first step); otherwise at <c>maxSteps</c>, reported as not converged. On the 784-256-256-10 MLP
/// on Fashion-MNIST (ε = 1e-3, 10,000 examples) it converged in 34, 24 and 16 steps after 10, 100 and 1000 training
/// steps; the measurements that chose it are in docs/benchmarks/instruments.md.
/// </para>
/// <para>
/// The loss and gradient over the examples are accumulated in chunks of <see cref="Chunk"/> examples (one chunk's graph
/// alive at a time); the per-example losses at x and at the best point give the standard error of the mean increase
/// at no extra cost. Parameters are restored bit-exactly (by copy) afterwards.
/// </para>
/// </remarks>
public static class SharpnessAscent
{
    /// <summary>Steps over which the best loss's rise is compared with the tolerance.</summary>
    public const int Window = 5;

    /// <summary>Examples per forward-backward chunk.</summary>
    public const int Chunk = 2_000;

    public static SharpnessResult Measure(ExampleLosses losses, long examples, IReadOnlyList<Tensor> parameters, double epsilon, double tolerance, int maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(examples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        var saved = ParameterVector.Snapshot(parameters);
        Tensor? x = null, bound = null, bestY = null, bestGradient = null, baseLosses = null, bestLosses = null; // owned here, disposed in finally
        try
        {
            x = ParameterVector.Flatten(saved).DetachFromDisposeScope();
            using (no_grad()) bound = ((x.abs() + 1) * epsilon).DetachFromDisposeScope();
            bestY = zeros_like(x).DetachFromDisposeScope();
            (baseLosses, bestGradient) = Evaluate(losses, examples, parameters);
            baseLosses.DetachFromDisposeScope();
            bestGradient.DetachFromDisposeScope();
            bestLosses = baseLosses;
            var f0 = Mean(baseLosses);
            var best = f0;
            var history = new List<double> { best };
            var alpha = 1.0;
            var converged = false;
            var steps = 0;
            while (steps < maxSteps)
            {
                Tensor candidate;
                using (var scope = NewDisposeScope())
                using (no_grad())
                {
                    candidate = Candidate(bestY!, bound!, bestGradient!, alpha, out var moved);
                    if (!moved)
                    {
                        converged = true; // the projected sign step cannot move from y_b, whatever α
                        break;
                    }
                    candidate = candidate.DetachFromDisposeScope();
                    ParameterVector.AssignLine(parameters, x!, 1, candidate); // x + candidate
                }
                var (values, gradient) = Evaluate(losses, examples, parameters);
                values.DetachFromDisposeScope();
                gradient.DetachFromDisposeScope();
                steps++;
                var f = Mean(values);
                if (f > best)
                {
                    best = f;
                    Swap(ref bestY, candidate);
                    Swap(ref bestGradient, gradient);
                    if (!ReferenceEquals(bestLosses, baseLosses)) bestLosses!.Dispose();
                    bestLosses = values;
                    alpha = Math.Min(1, 2 * alpha);
                }
                else
                {
                    candidate.Dispose();
                    gradient.Dispose();
                    values.Dispose();
                    alpha /= 2;
                }
                history.Add(best);
                if (steps >= Window && history[steps] - history[steps - Window] <= tolerance * (history[steps] - f0))
                {
                    converged = true;
                    break;
                }
            }
            var sharpness = 100 * (best - f0) / (1 + f0);
            double standardError;
            using (NewDisposeScope())
            {
                var increase = bestLosses! - baseLosses!;
                standardError = examples > 1 ? 100 * increase.std().item<double>() / Math.Sqrt(examples) / (1 + f0) : 0;
            }
            return new SharpnessResult(sharpness, standardError, steps, converged, f0, best);
        }
        finally
        {
            ParameterVector.Restore(parameters, saved);
            foreach (var t in saved) t.Dispose();
            if (!ReferenceEquals(bestLosses, baseLosses)) bestLosses?.Dispose();
            foreach (var t in new[] { x, bound, bestY, bestGradient, baseLosses }) t?.Dispose();
        }
    }

    /// <summary>The per-example losses (float64, detached) and the gradient of their mean (flat float64) at the current parameters.</summary>
    public static (Tensor Losses, Tensor Gradient) Evaluate(ExampleLosses losses, long examples, IReadOnlyList<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        var values = new List<Tensor>();
        Tensor? sum = null;
        for (long start = 0; start < examples; start += Chunk)
        {
            using var chunk = NewDisposeScope();
            using var enableGrad = enable_grad();
            var l = losses(start, Math.Min(Chunk, examples - start));
            var grads = autograd.grad([l.sum()], parameters.ToList(), retain_graph: false, create_graph: false);
            var flat = ParameterVector.Flatten(grads);
            sum = sum is null ? flat.MoveToOuterDisposeScope() : sum.add_(flat);
            values.Add(l.detach().to_type(ScalarType.Float64).MoveToOuterDisposeScope());
        }
        var all = cat(values.ToArray());
        return (all.MoveToOuterDisposeScope(), sum!.div_(examples).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The candidate clip(y_b + α b ⊙ sign g_b, −b, b) (a new float64 tensor) and whether it differs from y_b anywhere. One pass
    /// over contiguous float64 CPU vectors, with the arithmetic of the tensor expression <c>minimum(maximum(y + b * sign(g) * α,
    /// −b), b)</c> (sign(NaN) = 0 as <c>sign</c> gives it); the expression itself for other tensors and whenever a NaN appears.
    /// </summary>
    private static Tensor Candidate(Tensor bestY, Tensor bound, Tensor gradient, double alpha, out bool moved)
    {
        if (CpuMemory.Direct<double>(bestY) && CpuMemory.Direct<double>(bound) && CpuMemory.Direct<double>(gradient) && bestY.numel() < int.MaxValue)
        {
            var candidate = empty_like(bestY);
            if (Candidate(CpuMemory.Of<double>(bestY), CpuMemory.Of<double>(bound), CpuMemory.Of<double>(gradient), alpha, CpuMemory.Of<double>(candidate), out moved))
                return candidate;
            candidate.Dispose();
        }
        using var scope = NewDisposeScope();
        var result = minimum(maximum(bestY + bound * gradient.sign() * alpha, -bound), bound);
        moved = !result.eq(bestY).all().item<bool>();
        return result.MoveToOuterDisposeScope();
    }

    /// <returns>False when a NaN appeared (the caller then takes the tensor expression, whose NaN rules it keeps).</returns>
    private static bool Candidate(ReadOnlySpan<double> y, ReadOnlySpan<double> b, ReadOnlySpan<double> g, double alpha, Span<double> c, out bool moved)
    {
        var vy = MemoryMarshal.Cast<double, Vector<double>>(y);
        var vb = MemoryMarshal.Cast<double, Vector<double>>(b);
        var vg = MemoryMarshal.Cast<double, Vector<double>>(g);
        var vc = MemoryMarshal.Cast<double, Vector<double>>(c);
        var a = new Vector<double>(alpha);
        var one = Vector<double>.One;
        var changed = Vector<long>.Zero;
        var finite = true;
        for (var i = 0; i < vy.Length; i++)
        {
            // sign(g) = (g > 0) − (g < 0): 0 for NaN and ±0, as torch's sign kernel.
            var sign = Vector.ConditionalSelect(Vector.GreaterThan(vg[i], Vector<double>.Zero), one, Vector<double>.Zero)
                - Vector.ConditionalSelect(Vector.LessThan(vg[i], Vector<double>.Zero), one, Vector<double>.Zero);
            var v = vy[i] + vb[i] * sign * a;
            finite &= Vector.EqualsAll(v, v);
            var clipped = Vector.Min(Vector.Max(v, -vb[i]), vb[i]);
            vc[i] = clipped;
            changed |= ~Vector.Equals(clipped, vy[i]);
        }
        moved = changed != Vector<long>.Zero;
        for (var i = vy.Length * Vector<double>.Count; i < y.Length; i++)
        {
            var sign = (g[i] > 0 ? 1.0 : 0.0) - (g[i] < 0 ? 1.0 : 0.0);
            var v = y[i] + b[i] * sign * alpha;
            finite &= !double.IsNaN(v);
            c[i] = Math.Min(Math.Max(v, -b[i]), b[i]);
            moved |= c[i] != y[i];
        }
        return finite;
    }

    private static double Mean(Tensor values)
    {
        using var mean = values.mean();
        return mean.item<double>();
    }

    private static void Swap(ref Tensor? kept, Tensor replacement)
    {
        kept?.Dispose();
        kept = replacement;
    }
}
