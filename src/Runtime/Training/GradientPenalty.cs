using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// The explicit gradient-norm penalty of F2 (Barrett &amp; Dherin 2021): backward of L + λ‖∇L‖², so that
/// each parameter's <c>.grad</c> holds ∇L + 2λ H ∇L (H the Hessian of L). Costs one double backward.
/// </summary>
public static class GradientPenalty
{
    /// <summary>
    /// Accumulates ∇(L + λ‖∇L‖²) into the parameters' gradients and returns ‖∇L‖² (detached, in the
    /// current dispose scope). The gradient is taken with <c>create_graph</c> and, because TorchSharp does
    /// not default it, an explicit <c>retain_graph</c>.
    /// </summary>
    public static Tensor Backward(Tensor loss, IList<Tensor> parameters, double lambda)
    {
        var grads = autograd.grad([loss], parameters, retain_graph: true, create_graph: true);
        var penalty = grads.Select(g => g.square().sum()).Aggregate((a, b) => a + b);
        (loss + lambda * penalty).backward();
        return penalty.detach();
    }
}
