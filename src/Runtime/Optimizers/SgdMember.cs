namespace Declarative.Runtime.Optimizers;

/// <summary>
/// One member's SGD hyper-parameters besides the learning rate (which the training loop sets every step): heavy-ball
/// momentum μ, L2 weight decay λ and the Nesterov variant, as <c>torch.optim.SGD</c> defines them.
/// </summary>
public sealed record SgdMember(double Momentum = 0, double WeightDecay = 0, bool Nesterov = false)
{
    /// <summary>Plain SGD: θ ← θ − η∇L, nothing else (the update a backward pass may fuse into its products).</summary>
    public bool IsPlain => Momentum == 0 && WeightDecay == 0;
}
