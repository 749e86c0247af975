using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using Declarative.Runtime.Torch;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// The passes of <see cref="StackedMlpEngine"/>'s step that are not matrix products, written once in C# over the engine's
/// row-major CPU buffers: K members' rows one after the other ([K·B, F]; a single trial is K = 1). Each is one pass and no
/// kernel launch; through TorchSharp the same work was 17 calls a step, 93 µs of a 560 µs step at batch 32
/// (docs/benchmarks.md). NaN propagates as through TorchSharp's kernels (a diverged member's loss is NaN). Tensors the
/// passes cannot read (another device) go through TorchSharp's kernels with the same arithmetic.
/// </summary>
internal static class MlpKernels
{
    /// <summary>
    /// h ← h + b_k on member k's rows of <paramref name="h"/> ([B, F] with <paramref name="bias"/> [F] for one member, or
    /// [K, B, F] with [K, F]), then the ReLU when asked.
    /// </summary>
    public static void AddBias(Tensor h, Tensor bias, int members, bool relu)
    {
        if (OnCpu(h, bias)) AddBias(Float(h), h, bias, members, relu);
        else
        {
            h.add_(members == 1 ? bias : bias.unsqueeze(1));
            if (relu) h.relu_();
        }
    }

    /// <summary>The ReLU in place.</summary>
    public static void Relu(Tensor h)
    {
        if (!OnCpu(h)) h.relu_();
        else if (Float(h)) Relu(CpuMemory.Of<float>(h));
        else Relu(CpuMemory.Of<double>(h));
    }

    /// <summary>d ← d ⊙ 1[h &gt; 0], in place.</summary>
    public static void ReluBackward(Tensor d, Tensor h)
    {
        if (!d.shape.SequenceEqual(h.shape)) throw new ArgumentException("The gradient and the activations differ in shape.", nameof(h));
        if (!OnCpu(d, h))
        {
            using var positive = h.gt(0);
            d.mul_(positive);
        }
        else if (Float(d)) ReluBackward(CpuMemory.Of<float>(d), CpuMemory.Of<float>(h));
        else ReluBackward(CpuMemory.Of<double>(d), CpuMemory.Of<double>(h));
    }

    /// <summary>
    /// Each member's mean cross-entropy of <paramref name="logits"/> ([B, C] or [K, B, C]) against <paramref name="labels"/>
    /// ([K·B]), [K] in the logits' dtype, and ∂L/∂Z = (softmax(Z) − onehot(y)) / B into <paramref name="g"/>.
    /// </summary>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor labels, Tensor g, int members)
    {
        var classes = logits.shape[^1];
        if (!OnCpu(logits, g) || labels.device_type != TorchSharp.DeviceType.CPU)
        {
            using var scope = NewDisposeScope();
            var logProbabilities = logits.reshape(-1, classes).log_softmax(-1);
            var losses = nn.functional.nll_loss(logProbabilities, labels, reduction: nn.Reduction.None).view(members, -1).mean([1]);
            var rows = g.view(-1, classes);
            rows.copy_(logProbabilities.exp_());
            rows.scatter_add_(-1, labels.view(-1, 1), full([labels.shape[0], 1], -1.0, dtype: g.dtype, device: g.device));
            rows.mul_(1.0 / (labels.shape[0] / members));
            return losses.MoveToOuterDisposeScope();
        }
        var values = new double[members];
        using var wide = labels.dtype == ScalarType.Int64 && labels.is_contiguous() ? null : labels.to_type(ScalarType.Int64).contiguous();
        var y = CpuMemory.Of<long>(wide ?? labels);
        if (Float(logits))
        {
            SoftmaxCrossEntropy<float>(CpuMemory.Of<float>(logits), y, CpuMemory.Of<float>(g), values);
            return tensor(values.Select(l => (float)l).ToArray());
        }
        SoftmaxCrossEntropy<double>(CpuMemory.Of<double>(logits), y, CpuMemory.Of<double>(g), values);
        return tensor(values);
    }

    /// <summary>
    /// Each member's column sums of <paramref name="g"/> ([B, F] or [K, B, F]) times its α into <paramref name="target"/> ([F]
    /// or [K, F]): added when <paramref name="accumulate"/>, else written.
    /// </summary>
    public static void ColumnSums(Tensor g, Tensor target, double[] alphas, bool accumulate)
    {
        if (!OnCpu(g, target))
        {
            using var scope = NewDisposeScope();
            var sums = g.view(alphas.Length, -1, g.shape[^1]).sum(1).mul_(tensor(alphas, dtype: g.dtype, device: g.device).view(-1, 1)).view(target.shape);
            if (accumulate) target.add_(sums);
            else target.copy_(sums);
        }
        else if (Float(g)) ColumnSums<float>(CpuMemory.Of<float>(g), CpuMemory.Of<float>(target), alphas, accumulate);
        else ColumnSums<double>(CpuMemory.Of<double>(g), CpuMemory.Of<double>(target), alphas, accumulate);
    }

    /// <summary>Whether the C# passes read these tensors (contiguous, on the CPU, float32 or float64); otherwise TorchSharp's kernels do the same arithmetic.</summary>
    private static bool OnCpu(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors)
            if (!(CpuMemory.Holds<float>(t) || CpuMemory.Holds<double>(t)) || t.dtype != tensors[0].dtype) return false;
        return !UseTorch;
    }

    /// <summary>A test hook: run TorchSharp's kernels (the path of tensors on another device) on the CPU too.</summary>
    internal static bool UseTorch { get; set; }

    private static bool Float(Tensor t) => t.dtype == ScalarType.Float32;

    private static void AddBias(bool single, Tensor h, Tensor bias, int members, bool relu)
    {
        if (single) AddBias(CpuMemory.Of<float>(h), CpuMemory.Of<float>(bias), members, relu);
        else AddBias(CpuMemory.Of<double>(h), CpuMemory.Of<double>(bias), members, relu);
    }

    /// <summary>
    /// h ← h + b_k on member k's rows (<paramref name="bias"/> is [K, F]), then the ReLU max(h, 0) when <paramref name="relu"/>
    /// (NaN stays NaN, as <c>relu_</c> leaves it).
    /// </summary>
    public static void AddBias<T>(Span<T> h, ReadOnlySpan<T> bias, int members, bool relu) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var features = bias.Length / members;
        var rows = h.Length / features;
        var perMember = rows / members;
        for (var r = 0; r < rows; r++)
        {
            var row = h.Slice(r * features, features);
            var b = bias.Slice(r / perMember * features, features);
            var vr = MemoryMarshal.Cast<T, Vector<T>>(row);
            var vb = MemoryMarshal.Cast<T, Vector<T>>(b);
            for (var i = 0; i < vr.Length; i++)
            {
                var v = vr[i] + vb[i];
                vr[i] = relu ? Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v) : v;
            }
            for (var i = vr.Length * Vector<T>.Count; i < features; i++)
            {
                var v = row[i] + b[i];
                row[i] = relu && v < T.Zero ? T.Zero : v;
            }
        }
    }

    /// <summary>The ReLU in place: h ← max(h, 0), NaN kept.</summary>
    public static void Relu<T>(Span<T> h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = MemoryMarshal.Cast<T, Vector<T>>(h);
        for (var i = 0; i < v.Length; i++) v[i] = Vector.ConditionalSelect(Vector.LessThan(v[i], Vector<T>.Zero), Vector<T>.Zero, v[i]);
        for (var i = v.Length * Vector<T>.Count; i < h.Length; i++)
            if (h[i] < T.Zero) h[i] = T.Zero;
    }

    /// <summary>The ReLU's backward pass in place: d ← d where the ReLU's output h is positive, else 0.</summary>
    public static void ReluBackward<T>(Span<T> d, ReadOnlySpan<T> h) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vd = MemoryMarshal.Cast<T, Vector<T>>(d);
        var vh = MemoryMarshal.Cast<T, Vector<T>>(h);
        for (var i = 0; i < vd.Length; i++) vd[i] = Vector.ConditionalSelect(Vector.GreaterThan(vh[i], Vector<T>.Zero), vd[i], Vector<T>.Zero);
        for (var i = vd.Length * Vector<T>.Count; i < d.Length; i++)
            if (!(h[i] > T.Zero)) d[i] = T.Zero;
    }

    /// <summary>
    /// Mean cross-entropy of each member's rows of logits <paramref name="z"/> ([K·B, C]) against <paramref name="labels"/>
    /// into <paramref name="losses"/> [K], and its gradient with respect to the logits, g = (softmax(z) − onehot(y)) / B, into
    /// <paramref name="g"/> (the same shape as z). Each row is computed in float64 from its maximum (log-sum-exp), then
    /// rounded to T.
    /// </summary>
    public static void SoftmaxCrossEntropy<T>(ReadOnlySpan<T> z, ReadOnlySpan<long> labels, Span<T> g, Span<double> losses)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rows = labels.Length;
        var classes = z.Length / rows;
        var members = losses.Length;
        var perMember = rows / members;
        var scale = 1.0 / perMember;
        Span<double> e = classes <= 256 ? stackalloc double[classes] : new double[classes];
        losses.Clear();
        for (var r = 0; r < rows; r++)
        {
            var zr = z.Slice(r * classes, classes);
            var gr = g.Slice(r * classes, classes);
            var y = labels[r];
            if ((ulong)y >= (ulong)classes) throw new ArgumentOutOfRangeException(nameof(labels), y, $"A label is outside the {classes} classes.");
            var max = double.NegativeInfinity;
            for (var c = 0; c < classes; c++) max = Math.Max(max, double.CreateTruncating(zr[c]));
            var sum = 0.0;
            for (var c = 0; c < classes; c++) sum += e[c] = Math.Exp(double.CreateTruncating(zr[c]) - max);
            losses[r / perMember] += max + Math.Log(sum) - double.CreateTruncating(zr[(int)y]);
            for (var c = 0; c < classes; c++) gr[c] = T.CreateTruncating((e[c] / sum - (c == y ? 1.0 : 0.0)) * scale);
        }
        for (var m = 0; m < members; m++) losses[m] *= scale;
    }

    /// <summary>
    /// Each member's column sums of <paramref name="g"/> ([K·B, F]), Σ_rows g, times <paramref name="alphas"/>[k], into
    /// <paramref name="target"/> [K, F]: added to it when <paramref name="accumulate"/> (a bias's update, b ← b − η ∇b), else
    /// written (a bias's gradient). The sums run in T over the rows in order.
    /// </summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> g, Span<T> target, ReadOnlySpan<double> alphas, bool accumulate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var members = alphas.Length;
        var features = target.Length / members;
        var perMember = g.Length / features / members;
        var rented = ArrayPool<T>.Shared.Rent(features);
        try
        {
            var sums = rented.AsSpan(0, features);
            var vs = MemoryMarshal.Cast<T, Vector<T>>(sums);
            var vectorized = vs.Length * Vector<T>.Count;
            for (var m = 0; m < members; m++)
            {
                sums.Clear();
                for (var r = 0; r < perMember; r++)
                {
                    var row = g.Slice((m * perMember + r) * features, features);
                    var vr = MemoryMarshal.Cast<T, Vector<T>>(row);
                    for (var i = 0; i < vs.Length; i++) vs[i] += vr[i];
                    for (var i = vectorized; i < features; i++) sums[i] += row[i];
                }
                var alpha = T.CreateTruncating(alphas[m]);
                var t = target.Slice(m * features, features);
                for (var i = 0; i < features; i++) t[i] = accumulate ? t[i] + alpha * sums[i] : alpha * sums[i];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }
}
