using TorchSharp;

namespace Declarative.Runtime.Torch;

/// <summary>Process-wide TorchSharp set-up: native library check, thread count, device choice.</summary>
public static class TorchEnvironment
{
    /// <summary>
    /// Makes sure the native library loads, and turns the misleading TorchSharp error into one that
    /// names the cause (on Debian 12 the build patches libLibTorchSharp.so; a stale build folder lacks it).
    /// </summary>
    public static void EnsureLoaded()
    {
        try
        {
            using var probe = torch.zeros(1);
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException(
                "TorchSharp's native library did not load. On Debian 12 the build marks one libstdc++ symbol version of " +
                "libLibTorchSharp.so as optional; rebuild with `./build.sh Compile` (or `dotnet build`) so that step runs. " +
                $"Cause: {e.GetBaseException().Message}", e);
        }
    }

    public static void SetThreads(int threads)
    {
        if (threads <= 0) threads = Environment.ProcessorCount;
        torch.set_num_threads(threads);
        torch.set_num_interop_threads(1);
    }

    /// <summary><c>auto</c> picks CUDA when present, else CPU; <c>cpu</c> and <c>cuda[:n]</c> are taken as given.</summary>
    public static torch.Device ResolveDevice(string name)
    {
        if (string.Equals(name, "auto", StringComparison.OrdinalIgnoreCase))
            return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (name.StartsWith("cuda", StringComparison.OrdinalIgnoreCase) && !torch.cuda.is_available())
            throw new ArgumentException($"Device '{name}' was asked for, but CUDA is not available in this build or machine (build with -p:TorchBackend=cuda on a machine with a GPU).");
        return new torch.Device(name);
    }
}
