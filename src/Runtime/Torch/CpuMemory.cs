using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Declarative.Runtime.Torch;

/// <summary>
/// The elements of a contiguous CPU tensor as a span, for the kernels written in C# (<see cref="CpuReductions"/>, the stacked
/// MLP engine's elementwise passes): one native call for the address, no copy. The span is valid while the tensor is alive
/// and its storage is not replaced; callers keep the tensor referenced while they use it.
/// </summary>
internal static class CpuMemory
{
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    [ThreadStatic] private static bool t_useTorch;

    /// <summary>
    /// A test hook: the C# passes called on this thread defer to TorchSharp's kernels (the path of tensors on another device)
    /// on the CPU too. Per thread, so that a test setting it moves no test running beside it.
    /// </summary>
    internal static bool UseTorch
    {
        get => t_useTorch;
        set => t_useTorch = value;
    }

    /// <summary>Whether <paramref name="t"/> is a contiguous CPU tensor of element type <typeparamref name="T"/>.</summary>
    public static bool Holds<T>(Tensor t) where T : unmanaged =>
        t.device_type == TorchSharp.DeviceType.CPU && t.dtype == ElementType<T>() && t.is_contiguous();

    /// <summary>
    /// Whether the C# passes read <paramref name="t"/> directly: a contiguous float32 or float64 CPU tensor, and the test hook
    /// <see cref="UseTorch"/> off on this thread; otherwise TorchSharp's kernels do the same arithmetic.
    /// </summary>
    public static bool Direct(Tensor t) => !UseTorch && (Holds<float>(t) || Holds<double>(t));

    /// <summary>As <see cref="Direct(Tensor)"/>, for element type <typeparamref name="T"/> only.</summary>
    public static bool Direct<T>(Tensor t) where T : unmanaged => !UseTorch && Holds<T>(t);

    /// <summary>The elements of <paramref name="t"/>; throws unless it is a contiguous CPU tensor of <typeparamref name="T"/>.</summary>
    public static unsafe Span<T> Of<T>(Tensor t) where T : unmanaged
    {
        if (!Holds<T>(t))
            throw new ArgumentException($"Expected a contiguous CPU tensor of {ElementType<T>()}, got {t.dtype} on {t.device}{(t.is_contiguous() ? "" : ", not contiguous")}.", nameof(t));
        var data = THSTensor_data(t.Handle);
        if (data == IntPtr.Zero) TorchSharp.torch.CheckForErrors();
        return new Span<T>((void*)data, checked((int)t.numel()));
    }

    private static ScalarType ElementType<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? ScalarType.Float32
        : typeof(T) == typeof(double) ? ScalarType.Float64
        : typeof(T) == typeof(long) ? ScalarType.Int64
        : throw new NotSupportedException($"No tensor element type for {typeof(T).Name}.");
}
