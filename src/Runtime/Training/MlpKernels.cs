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
        if (OnCpu(h, bias))
        {
            if (Float(h)) AddBias(CpuMemory.Of<float>(h), CpuMemory.Of<float>(bias), members, relu);
            else AddBias(CpuMemory.Of<double>(h), CpuMemory.Of<double>(bias), members, relu);
        }
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
    /// or [K, F]): target ← β·target + α_k Σ_rows g (β = 0 writes a bias's gradient, 1 adds a bias's update, μ accumulates
    /// a momentum buffer).
    /// </summary>
    public static void ColumnSums(Tensor g, Tensor target, double[] alphas, double beta)
    {
        if (!OnCpu(g, target))
        {
            using var scope = NewDisposeScope();
            var sums = g.view(alphas.Length, -1, g.shape[^1]).sum(1).mul_(tensor(alphas, dtype: g.dtype, device: g.device).view(-1, 1)).view(target.shape);
            if (beta == 0) target.copy_(sums);
            else target.mul_(beta).add_(sums);
        }
        else if (Float(g)) ColumnSums<float>(CpuMemory.Of<float>(g), CpuMemory.Of<float>(target), alphas, beta);
        else ColumnSums<double>(CpuMemory.Of<double>(g), CpuMemory.Of<double>(target), alphas, beta);
    }

    /// <summary>
    /// Batch norm in training mode over each member's rows of <paramref name="a"/> ([B, F] or [K, B, F]), as
    /// <c>nn.BatchNorm1d</c>: x̂ = (a − μ) / √(σ² + ε) with the batch's mean and biased variance into
    /// <paramref name="normalized"/>, 1/√(σ² + ε) into <paramref name="inverse"/> ([K, F]), γ x̂ + β into <paramref name="a"/> in
    /// place, and the running statistics r ← (1 − m) r + m·(batch value), the variance unbiased. Two passes over the rows
    /// for the statistics, one for the output.
    /// </summary>
    public static void BatchNormForward(Tensor a, Tensor normalized, Tensor inverse, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
        int members, double eps, double momentum)
    {
        if (!OnCpu(a, normalized, inverse, gamma, beta, runningMean, runningVar))
        {
            using var scope = NewDisposeScope();
            var dim = members == 1 ? 0 : 1;
            var batch = a.shape[dim];
            var mean = a.mean([dim], keepdim: true);
            var centered = a - mean;
            var variance = centered.square().mean([dim], keepdim: true); // not var_mean or var: in TorchSharp 0.107 they leak native memory every call
            var inv = variance.add(eps).rsqrt_();
            normalized.copy_(centered.mul_(inv));
            inverse.copy_(inv.view(inverse.shape));
            runningMean.mul_(1 - momentum).add_(mean.view(runningMean.shape), alpha: momentum);
            runningVar.mul_(1 - momentum).add_(variance.view(runningVar.shape), alpha: momentum * batch / Math.Max(1, batch - 1));
            a.copy_(addcmul(Broadcast(beta, members), normalized, Broadcast(gamma, members), 1));
            return;
        }
        if (Float(a))
            BatchNormForward<float>(CpuMemory.Of<float>(a), CpuMemory.Of<float>(normalized), CpuMemory.Of<float>(inverse), CpuMemory.Of<float>(gamma),
                CpuMemory.Of<float>(beta), CpuMemory.Of<float>(runningMean), CpuMemory.Of<float>(runningVar), members, eps, momentum);
        else
            BatchNormForward<double>(CpuMemory.Of<double>(a), CpuMemory.Of<double>(normalized), CpuMemory.Of<double>(inverse), CpuMemory.Of<double>(gamma),
                CpuMemory.Of<double>(beta), CpuMemory.Of<double>(runningMean), CpuMemory.Of<double>(runningVar), members, eps, momentum);
    }

    /// <summary>
    /// Batch norm's backward pass: from the gradient <paramref name="d"/> with respect to its output, ∇γ = Σ d x̂ and ∇β = Σ d
    /// ([K, F]) and, in place, the gradient with respect to its input, γ/√(σ² + ε) · (d − ∇β/B − x̂ ∇γ/B) (mean(γd) = γ∇β/B and
    /// mean(γd x̂) = γ∇γ/B): one pass for the sums, one for the input's gradient. ∇γ and ∇β go into their targets as
    /// target ← β·target + ∇ (β = 0 writes them, μ accumulates a momentum buffer).
    /// </summary>
    public static void BatchNormBackward(Tensor d, Tensor normalized, Tensor inverse, Tensor gamma, Tensor gradGamma, Tensor gradBeta, int members, double beta = 0)
    {
        if (!OnCpu(d, normalized, inverse, gamma, gradGamma, gradBeta))
        {
            using var scope = NewDisposeScope();
            var dim = members == 1 ? 0 : 1;
            var batch = d.shape[dim];
            var gg = d.mul(normalized).sum(dim);
            var gb = d.sum(dim);
            if (beta == 0)
            {
                gradGamma.copy_(gg.view(gradGamma.shape));
                gradBeta.copy_(gb.view(gradBeta.shape));
            }
            else
            {
                gradGamma.mul_(beta).add_(gg.view(gradGamma.shape));
                gradBeta.mul_(beta).add_(gb.view(gradBeta.shape));
            }
            var meanD = Broadcast(gb.view(-1, d.shape[^1]), members).div(batch);
            var projection = Broadcast(gg.view(-1, d.shape[^1]), members).div(batch);
            d.addcmul_(normalized, projection, value: -1).sub_(meanD).mul_(Broadcast(gamma.view(-1, d.shape[^1]), members) * Broadcast(inverse.view(-1, d.shape[^1]), members));
            return;
        }
        if (Float(d))
            BatchNormBackward<float>(CpuMemory.Of<float>(d), CpuMemory.Of<float>(normalized), CpuMemory.Of<float>(inverse), CpuMemory.Of<float>(gamma),
                CpuMemory.Of<float>(gradGamma), CpuMemory.Of<float>(gradBeta), members, beta);
        else
            BatchNormBackward<double>(CpuMemory.Of<double>(d), CpuMemory.Of<double>(normalized), CpuMemory.Of<double>(inverse), CpuMemory.Of<double>(gamma),
                CpuMemory.Of<double>(gradGamma), CpuMemory.Of<double>(gradBeta), members, beta);
    }

    /// <summary>[F] as is for one member ([B, F] rows); [K, F] as [K, 1, F] for K ([K, B, F] rows).</summary>
    private static Tensor Broadcast(Tensor t, int members) => members == 1 ? t.view(-1) : t.view(members, 1, -1);

    /// <summary>Whether the C# passes read these tensors (contiguous, on the CPU, float32 or float64); otherwise TorchSharp's kernels do the same arithmetic.</summary>
    private static bool OnCpu(params ReadOnlySpan<Tensor> tensors)
    {
        foreach (var t in tensors)
            if (!(CpuMemory.Holds<float>(t) || CpuMemory.Holds<double>(t)) || t.dtype != tensors[0].dtype) return false;
        return !CpuMemory.UseTorch;
    }

    private static bool Float(Tensor t) => t.dtype == ScalarType.Float32;

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
                vr[i] = relu ? Rectify(v) : v;
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
        for (var i = 0; i < v.Length; i++) v[i] = Rectify(v[i]);
        for (var i = v.Length * Vector<T>.Count; i < h.Length; i++)
            if (h[i] < T.Zero) h[i] = T.Zero;
    }

    /// <summary>max(v, 0) lane by lane, NaN kept (a NaN is not less than 0).</summary>
    private static Vector<T> Rectify<T>(Vector<T> v) where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), Vector<T>.Zero, v);

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
    /// Each member's column sums of <paramref name="g"/> ([K·B, F]), Σ_rows g, into <paramref name="target"/> [K, F]:
    /// target ← β·target + α_k Σ_rows g. The sums run in T over the rows in order.
    /// </summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> g, Span<T> target, ReadOnlySpan<double> alphas, double beta)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var members = alphas.Length;
        var features = target.Length / members;
        var perMember = g.Length / features / members;
        var rented = ArrayPool<T>.Shared.Rent(features);
        try
        {
            var sums = rented.AsSpan(0, features);
            for (var m = 0; m < members; m++)
            {
                sums.Clear();
                for (var r = 0; r < perMember; r++) Add(sums, g.Slice((m * perMember + r) * features, features));
                Combine(target.Slice(m * features, features), beta, T.CreateTruncating(alphas[m]), sums);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>target ← β·target + α·sums (β = 0 writes, 1 adds).</summary>
    private static void Combine<T>(Span<T> target, double beta, T alpha, ReadOnlySpan<T> sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var b = T.CreateTruncating(beta);
        var vt = MemoryMarshal.Cast<T, Vector<T>>(target);
        var vs = MemoryMarshal.Cast<T, Vector<T>>(sums);
        for (var i = 0; i < vt.Length; i++)
            vt[i] = beta == 0 ? alpha * vs[i] : beta == 1 ? vt[i] + alpha * vs[i] : b * vt[i] + alpha * vs[i];
        for (var i = vt.Length * Vector<T>.Count; i < target.Length; i++)
            target[i] = beta == 0 ? alpha * sums[i] : beta == 1 ? target[i] + alpha * sums[i] : b * target[i] + alpha * sums[i];
    }

    private static void BatchNormForward<T>(Span<T> a, Span<T> normalized, Span<T> inverse, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta,
        Span<T> runningMean, Span<T> runningVar, int members, double eps, double momentum) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var features = gamma.Length / members;
        var rows = a.Length / features;
        var batch = rows / members;
        var rented = ArrayPool<T>.Shared.Rent(features);
        try
        {
            var mean = rented.AsSpan(0, features);
            var (keep, take) = (T.CreateTruncating(1 - momentum), T.CreateTruncating(momentum));
            var unbiased = T.CreateTruncating(momentum * batch / Math.Max(1, batch - 1));
            var perRow = T.One / T.CreateTruncating(batch);
            for (var m = 0; m < members; m++)
            {
                var first = m * batch;
                var variance = inverse.Slice(m * features, features);
                mean.Clear();
                for (var r = 0; r < batch; r++) Add(mean, a.Slice((first + r) * features, features));
                Scale(mean, perRow);
                variance.Clear();
                for (var r = 0; r < batch; r++)
                {
                    var row = a.Slice((first + r) * features, features);
                    var centered = normalized.Slice((first + r) * features, features);
                    Subtract(row, mean, centered);
                    AddSquares(variance, centered);
                }
                var rm = runningMean.Slice(m * features, features);
                var rv = runningVar.Slice(m * features, features);
                var epsilon = T.CreateTruncating(eps);
                for (var f = 0; f < features; f++)
                {
                    var v = variance[f] * perRow;
                    rm[f] = rm[f] * keep + take * mean[f];
                    rv[f] = rv[f] * keep + unbiased * v;
                    variance[f] = T.One / T.Sqrt(v + epsilon);
                }
                var g = gamma.Slice(m * features, features);
                var b = beta.Slice(m * features, features);
                for (var r = 0; r < batch; r++)
                    NormalizeAndShift(normalized.Slice((first + r) * features, features), variance, g, b, a.Slice((first + r) * features, features));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    private static void BatchNormBackward<T>(Span<T> d, ReadOnlySpan<T> normalized, ReadOnlySpan<T> inverse, ReadOnlySpan<T> gamma,
        Span<T> gradGamma, Span<T> gradBeta, int members, double beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var features = gamma.Length / members;
        var rows = d.Length / features;
        var batch = rows / members;
        var perRow = T.One / T.CreateTruncating(batch);
        var rented = ArrayPool<T>.Shared.Rent(5 * features);
        try
        {
            var scale = rented.AsSpan(0, features);
            var meanD = rented.AsSpan(features, features);
            var projection = rented.AsSpan(2 * features, features);
            var gg = rented.AsSpan(3 * features, features);
            var gb = rented.AsSpan(4 * features, features);
            for (var m = 0; m < members; m++)
            {
                var first = m * batch;
                gg.Clear();
                gb.Clear();
                for (var r = 0; r < batch; r++)
                {
                    var row = d.Slice((first + r) * features, features);
                    AddProducts(gg, row, normalized.Slice((first + r) * features, features));
                    Add(gb, row);
                }
                Combine(gradGamma.Slice(m * features, features), beta, T.One, gg);
                Combine(gradBeta.Slice(m * features, features), beta, T.One, gb);
                for (var f = 0; f < features; f++)
                {
                    scale[f] = gamma[m * features + f] * inverse[m * features + f];
                    meanD[f] = gb[f] * perRow;
                    projection[f] = gg[f] * perRow;
                }
                for (var r = 0; r < batch; r++)
                    InputGradient(d.Slice((first + r) * features, features), normalized.Slice((first + r) * features, features), projection, meanD, scale);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>x̂ ← x̂ ⊙ inverse, then output ← γ ⊙ x̂ + β.</summary>
    private static void NormalizeAndShift<T>(Span<T> xhat, ReadOnlySpan<T> inverse, ReadOnlySpan<T> gamma, ReadOnlySpan<T> beta, Span<T> output)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = MemoryMarshal.Cast<T, Vector<T>>(xhat);
        var vi = MemoryMarshal.Cast<T, Vector<T>>(inverse);
        var vg = MemoryMarshal.Cast<T, Vector<T>>(gamma);
        var vb = MemoryMarshal.Cast<T, Vector<T>>(beta);
        var vo = MemoryMarshal.Cast<T, Vector<T>>(output);
        for (var i = 0; i < vx.Length; i++)
        {
            var x = vx[i] * vi[i];
            vx[i] = x;
            vo[i] = vg[i] * x + vb[i];
        }
        for (var i = vx.Length * Vector<T>.Count; i < xhat.Length; i++)
        {
            xhat[i] *= inverse[i];
            output[i] = gamma[i] * xhat[i] + beta[i];
        }
    }

    /// <summary>d ← (d − x̂ ⊙ projection − meanD) ⊙ scale.</summary>
    private static void InputGradient<T>(Span<T> d, ReadOnlySpan<T> xhat, ReadOnlySpan<T> projection, ReadOnlySpan<T> meanD, ReadOnlySpan<T> scale)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vd = MemoryMarshal.Cast<T, Vector<T>>(d);
        var vx = MemoryMarshal.Cast<T, Vector<T>>(xhat);
        var vp = MemoryMarshal.Cast<T, Vector<T>>(projection);
        var vm = MemoryMarshal.Cast<T, Vector<T>>(meanD);
        var vs = MemoryMarshal.Cast<T, Vector<T>>(scale);
        for (var i = 0; i < vd.Length; i++) vd[i] = (vd[i] - vx[i] * vp[i] - vm[i]) * vs[i];
        for (var i = vd.Length * Vector<T>.Count; i < d.Length; i++) d[i] = (d[i] - xhat[i] * projection[i] - meanD[i]) * scale[i];
    }

    /// <summary>sum ← sum + row.</summary>
    private static void Add<T>(Span<T> sum, ReadOnlySpan<T> row) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vs = MemoryMarshal.Cast<T, Vector<T>>(sum);
        var vr = MemoryMarshal.Cast<T, Vector<T>>(row);
        for (var i = 0; i < vs.Length; i++) vs[i] += vr[i];
        for (var i = vs.Length * Vector<T>.Count; i < sum.Length; i++) sum[i] += row[i];
    }

    /// <summary>sum ← sum + x ⊙ y.</summary>
    private static void AddProducts<T>(Span<T> sum, ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vs = MemoryMarshal.Cast<T, Vector<T>>(sum);
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
        for (var i = 0; i < vs.Length; i++) vs[i] += vx[i] * vy[i];
        for (var i = vs.Length * Vector<T>.Count; i < sum.Length; i++) sum[i] += x[i] * y[i];
    }

    /// <summary>sum ← sum + x ⊙ x.</summary>
    private static void AddSquares<T>(Span<T> sum, ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T> => AddProducts(sum, x, x);

    /// <summary>output ← x − y.</summary>
    private static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> output) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var vx = MemoryMarshal.Cast<T, Vector<T>>(x);
        var vy = MemoryMarshal.Cast<T, Vector<T>>(y);
        var vo = MemoryMarshal.Cast<T, Vector<T>>(output);
        for (var i = 0; i < vo.Length; i++) vo[i] = vx[i] - vy[i];
        for (var i = vo.Length * Vector<T>.Count; i < output.Length; i++) output[i] = x[i] - y[i];
    }

    private static void Scale<T>(Span<T> x, T factor) where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++) x[i] *= factor;
    }
}
