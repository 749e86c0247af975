using static TorchSharp.torch;

namespace Declarative.Runtime.Torch;

/// <summary>Which memory a tensor views: for checks that a cached view still aliases a parameter or its gradient.</summary>
internal static class TensorStorage
{
    /// <summary>The address of the storage a float32 or float64 tensor views.</summary>
    public static IntPtr Address(Tensor t)
    {
        if (t.dtype == ScalarType.Float64)
        {
            using var storage = t.storage<double>();
            return storage.data_ptr();
        }
        using var single = t.storage<float>();
        return single.data_ptr();
    }

    /// <summary>
    /// A 1-D view of <paramref name="tensors"/> laid end to end when they are contiguous, consecutive slices of one storage
    /// (as a one-member stacked engine lays out a model's parameters), so that one kernel reads them all; null otherwise.
    /// </summary>
    public static Tensor? FlatView(IReadOnlyList<Tensor> tensors)
    {
        if (tensors.Count == 0 || tensors[0].dtype is not (ScalarType.Float32 or ScalarType.Float64)) return null;
        var first = tensors[0];
        var address = Address(first);
        var start = first.storage_offset();
        var next = start;
        foreach (var t in tensors)
        {
            if (t.dtype != first.dtype || !t.is_contiguous() || t.storage_offset() != next || Address(t) != address) return null;
            next += t.numel();
        }
        using var detached = first.detach();
        return detached.as_strided([next - start], [1], start);
    }

    /// <summary>Whether two tensors view the same storage at the same offset with the same shape.</summary>
    public static bool SameView(Tensor a, Tensor b) =>
        a.storage_offset() == b.storage_offset() && a.shape.SequenceEqual(b.shape) && Address(a) == Address(b);
}
