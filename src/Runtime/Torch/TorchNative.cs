using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Declarative.Runtime.Torch;

/// <summary>
/// libtorch operators that TorchSharp 0.107 does not bind, called through libtorch's own operator entry points
/// (<c>at::_ops::&lt;op&gt;::call</c>, exported by <c>libtorch_cpu</c>; a TorchSharp tensor handle is an <c>at::Tensor*</c>, and
/// the scalars are made by TorchSharp's native library). Each is looked up once; where the library or the entry point is not
/// there (another platform's name mangling, another libtorch), <see cref="HasBatchedAddMatmul"/> is false and callers take
/// their other route. A C++ exception cannot cross this boundary (it would end the process), so callers check every
/// operand first: <see cref="BatchedAddMatmul"/> refuses what the operator would reject.
/// </summary>
internal static unsafe class TorchNative
{
    /// <summary><c>at::_ops::baddbmm_::call(Tensor&amp; self, const Tensor&amp; batch1, const Tensor&amp; batch2, const Scalar&amp; beta, const Scalar&amp; alpha)</c>.</summary>
    private const string BaddbmmInPlace = "_ZN2at4_ops8baddbmm_4callERNS_6TensorERKS2_S5_RKN3c106ScalarES9_";

    private static readonly delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr> s_baddbmm = Find(BaddbmmInPlace);

    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTorch_float32_to_scalar(float value);

    [DllImport("LibTorchSharp")]
    private static extern void THSTorch_dispose_scalar(IntPtr handle);

    /// <summary>Whether <see cref="BatchedAddMatmul"/> reaches libtorch's in-place <c>baddbmm_</c> here.</summary>
    public static bool HasBatchedAddMatmul => s_baddbmm != null;

    /// <summary>
    /// self ← β self + α batch1 @ batch2, in place, per matrix of the batch (libtorch's <c>baddbmm_</c>: on the CPU one batched
    /// GEMM of MKL's that scales and accumulates into self, no product written elsewhere). Float32 CPU operands: self
    /// [K, n, p] contiguous, batch1 [K, n, m], batch2 [K, m, p]. False (and self unchanged) when the entry point is missing.
    /// </summary>
    public static bool BatchedAddMatmul(Tensor self, Tensor batch1, Tensor batch2, float beta, float alpha)
    {
        if (s_baddbmm == null) return false;
        if (self.dim() != 3 || batch1.dim() != 3 || batch2.dim() != 3
            || batch1.shape[0] != self.shape[0] || batch2.shape[0] != self.shape[0]
            || batch1.shape[1] != self.shape[1] || batch2.shape[2] != self.shape[2] || batch1.shape[2] != batch2.shape[1])
            throw new ArgumentException($"baddbmm_: [{string.Join(", ", self.shape)}] += [{string.Join(", ", batch1.shape)}] @ [{string.Join(", ", batch2.shape)}] do not fit.", nameof(batch1));
        if (!CpuMemory.Holds<float>(self) || batch1.dtype != ScalarType.Float32 || batch2.dtype != ScalarType.Float32
            || batch1.device_type != TorchSharp.DeviceType.CPU || batch2.device_type != TorchSharp.DeviceType.CPU)
            throw new ArgumentException("baddbmm_ is called here for float32 CPU tensors only, the result contiguous.", nameof(self));
        var b = THSTorch_float32_to_scalar(beta);
        var a = THSTorch_float32_to_scalar(alpha);
        try
        {
            s_baddbmm(self.Handle, batch1.Handle, batch2.Handle, b, a);
        }
        finally
        {
            THSTorch_dispose_scalar(a);
            THSTorch_dispose_scalar(b);
        }
        GC.KeepAlive(self);
        GC.KeepAlive(batch1);
        GC.KeepAlive(batch2);
        return true;
    }

    /// <summary>
    /// The entry point as TorchSharp's native library sees it (null when absent): looked up from the handle of the
    /// LibTorchSharp already loaded, so that the search runs through that library's own dependencies and finds the one
    /// libtorch_cpu the process uses (never a second copy of libtorch, whose tensors these handles are not).
    /// </summary>
    private static delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr> Find(string symbol)
    {
        TorchEnvironment.EnsureLoaded();
        return NativeLibrary.TryLoad("LibTorchSharp", typeof(TorchSharp.torch).Assembly, null, out var library)
            && NativeLibrary.TryGetExport(library, symbol, out var address)
            ? (delegate* unmanaged<IntPtr, IntPtr, IntPtr, IntPtr, IntPtr, IntPtr>)address
            : null;
    }
}
