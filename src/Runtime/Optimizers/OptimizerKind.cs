namespace Declarative.Runtime.Optimizers;

/// <summary>The optimizers the seed experiments compare (F8). All are TorchSharp's <c>torch.optim</c> implementations.</summary>
public enum OptimizerKind
{
    /// <summary>Plain SGD (momentum 0).</summary>
    Sgd,

    /// <summary>SGD with heavy-ball momentum.</summary>
    Momentum,

    /// <summary>SGD with Nesterov momentum.</summary>
    Nesterov,

    /// <summary>Adam; weight decay is an L2 term added to the gradient.</summary>
    Adam,

    /// <summary>AdamW; weight decay is decoupled from the gradient.</summary>
    AdamW,

    /// <summary>Rectified Adam (TorchSharp's, with its rectified step corrected: see <see cref="RectifiedAdam"/>).</summary>
    RAdam,
}
