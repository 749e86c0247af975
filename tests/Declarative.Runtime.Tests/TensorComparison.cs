using static TorchSharp.torch;

namespace Declarative.Runtime.Tests;

internal static class TensorComparison
{
    /// <summary>Same shape and every element equal.</summary>
    public static bool Same(this Tensor a, Tensor b)
    {
        if (!a.shape.SequenceEqual(b.shape)) return false;
        using var eq = a.eq(b);
        using var all = eq.all();
        return all.item<bool>();
    }
}
