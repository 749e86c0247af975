using Declarative.Runtime.Torch;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// A list of parameter tensors seen as one flat float64 vector: the numeric algorithms work on flat
/// vectors (inner products, Gram–Schmidt) and convert to the parameters' shapes and dtype only to
/// evaluate the model.
/// </summary>
public static class ParameterVector
{
    [ThreadStatic] private static long _writes;

    /// <summary>
    /// How many times <see cref="Assign"/> and <see cref="Restore"/> wrote parameters in place on this thread. A retained autograd
    /// graph over parameters is invalid once they are written (autograd rejects saved tensors modified in place, even when the
    /// values were restored bit for bit): a holder of such a graph compares this count with the one at its build.
    /// </summary>
    internal static long Writes => _writes;
    public static long Count(IReadOnlyList<Tensor> parameters) => parameters.Sum(p => p.numel());

    /// <summary>The concatenation of the tensors, flattened, as float64 (a new tensor, detached).</summary>
    public static Tensor Flatten(IEnumerable<Tensor> tensors)
    {
        using var noGrad = no_grad();
        var list = tensors as IReadOnlyList<Tensor> ?? tensors.ToList();
        if (Direct(list))
        {
            // One pass per tensor into the result (CpuCasts): no per-tensor float64 temporary, no cat.
            var flat = empty([Count(list)], dtype: ScalarType.Float64);
            var target = CpuMemory.Of<double>(flat);
            var offset = 0;
            foreach (var t in list)
            {
                var n = (int)t.numel();
                if (t.dtype == ScalarType.Float32) CpuCasts.Widen(CpuMemory.Of<float>(t), target.Slice(offset, n));
                else CpuMemory.Of<double>(t).CopyTo(target.Slice(offset, n));
                offset += n;
            }
            return flat;
        }
        using var scope = NewDisposeScope();
        return cat(list.Select(t => t.detach().reshape(-1).to_type(ScalarType.Float64)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether the one-pass conversions (<see cref="CpuCasts"/>) read and write <paramref name="tensors"/> directly: contiguous
    /// float32 or float64 CPU tensors, fewer than 2³¹ elements in all; the others go through TorchSharp's kernels.
    /// </summary>
    private static bool Direct(IReadOnlyList<Tensor> tensors) =>
        tensors.All(CpuMemory.Direct) && Count(tensors) < int.MaxValue;

    /// <summary>A flat vector cut into pieces shaped (and typed) like <paramref name="like"/>.</summary>
    public static Tensor[] Split(Tensor flat, IReadOnlyList<Tensor> like)
    {
        var result = new Tensor[like.Count];
        long offset = 0;
        for (var i = 0; i < like.Count; i++)
        {
            var n = like[i].numel();
            using var piece = flat.narrow(0, offset, n);
            result[i] = piece.reshape(like[i].shape).to_type(like[i].dtype);
            offset += n;
        }
        return result;
    }

    /// <summary>Detached copies of the parameters' current values.</summary>
    public static Tensor[] Snapshot(IReadOnlyList<Tensor> parameters)
    {
        using var noGrad = no_grad();
        return parameters.Select(p => p.detach().clone()).ToArray();
    }

    /// <summary>Copies saved values back into the parameters (bit-exact: a copy, never a subtraction).</summary>
    public static void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> saved)
    {
        _writes++;
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++) parameters[i].copy_(saved[i]);
    }

    /// <summary>Sets the parameters to the values of a flat float64 vector.</summary>
    public static void Assign(IReadOnlyList<Tensor> parameters, Tensor flat)
    {
        _writes++;
        using var noGrad = no_grad();
        if (Direct(parameters) && CpuMemory.Holds<double>(flat) && flat.numel() == Count(parameters))
        {
            var source = CpuMemory.Of<double>(flat);
            var offset = 0;
            foreach (var p in parameters)
            {
                var n = (int)p.numel();
                if (p.dtype == ScalarType.Float32) CpuCasts.Narrow(source.Slice(offset, n), CpuMemory.Of<float>(p));
                else source.Slice(offset, n).CopyTo(CpuMemory.Of<double>(p));
                offset += n;
            }
            return;
        }
        using var scope = NewDisposeScope();
        var pieces = Split(flat, parameters);
        for (var i = 0; i < parameters.Count; i++) parameters[i].copy_(pieces[i]);
    }

    /// <summary>
    /// Sets the parameters to <paramref name="origin"/> + <paramref name="alpha"/> · <paramref name="direction"/> (flat
    /// float64): the values <c>Assign(parameters, origin + alpha * direction)</c> sets, without the float64 temporaries.
    /// </summary>
    internal static void AssignLine(IReadOnlyList<Tensor> parameters, Tensor origin, double alpha, Tensor direction)
    {
        var n = Count(parameters);
        if (!Direct(parameters) || !parameters.All(p => p.dtype == ScalarType.Float32) || !CpuMemory.Holds<double>(origin) || !CpuMemory.Holds<double>(direction)
            || origin.numel() != n || direction.numel() != n)
        {
            using var scope = NewDisposeScope();
            Assign(parameters, origin + alpha * direction);
            return;
        }
        _writes++;
        var o = CpuMemory.Of<double>(origin);
        var d = CpuMemory.Of<double>(direction);
        var offset = 0;
        foreach (var p in parameters)
        {
            var count = (int)p.numel();
            CpuCasts.NarrowLine(o.Slice(offset, count), alpha, d.Slice(offset, count), CpuMemory.Of<float>(p));
            offset += count;
        }
    }

    /// <summary>The gradient of a loss with respect to the parameters, flat float64; never touches <c>.grad</c>.</summary>
    public static Tensor Gradient(LossFunction loss, IReadOnlyList<Tensor> parameters, out double value)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var l = loss();
        value = l.detach().to_type(ScalarType.Float64).item<double>();
        var grads = torch.autograd.grad([l], parameters.ToList(), retain_graph: false, create_graph: false);
        return Flatten(grads).MoveToOuterDisposeScope();
    }

    /// <summary>The loss at the current parameters, without a graph.</summary>
    public static double Value(LossFunction loss)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return loss().to_type(ScalarType.Float64).item<double>();
    }

    public static double Dot(Tensor a, Tensor b)
    {
        using var d = a.dot(b);
        return d.item<double>();
    }

    public static double Norm(Tensor a) => Math.Sqrt(Dot(a, a));
}
