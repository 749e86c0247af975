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

    /// <summary>Whether two tensors view the same storage at the same offset with the same shape.</summary>
    public static bool SameView(Tensor a, Tensor b) =>
        a.storage_offset() == b.storage_offset() && a.shape.SequenceEqual(b.shape) && Address(a) == Address(b);
}
