namespace Declarative
{
    /// <summary>The optimizers an experiment can train with (TorchSharp's implementations).</summary>
    public enum OptimizerKind
    {
        /// <summary>Plain stochastic gradient descent.</summary>
        Sgd,

        /// <summary>SGD with heavy-ball momentum.</summary>
        Momentum,

        /// <summary>SGD with Nesterov momentum.</summary>
        Nesterov,

        /// <summary>Adam (Kingma and Ba).</summary>
        Adam,

        /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
        AdamW,

        /// <summary>Rectified Adam (Liu et al.).</summary>
        RAdam,
    }
}
