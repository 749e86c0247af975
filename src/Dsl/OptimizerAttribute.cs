using System;

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

    /// <summary>
    /// What every optimizer declaration shares. Each value can instead come from a record member of
    /// the same name (<c>LearningRate</c>, <c>BatchSize</c>, <c>WeightDecay</c>, <c>Momentum</c>,
    /// <c>Beta1</c>, <c>Beta2</c>, <c>Epsilon</c>, or <c>Optimizer</c> of type <see cref="OptimizerKind"/>),
    /// a sweep axis or a computed property. Training minimises the mean cross-entropy of each mini-batch
    /// (mean squared error for regression data sets). Declare at most one; with none, plain SGD.
    /// </summary>
    public abstract class OptimizerAttribute : Attribute
    {
        /// <summary>Learning rate when the record has no <c>LearningRate</c> member. Default 0.1 for SGD kinds, 0.001 for Adam kinds.</summary>
        public double LearningRate { get; set; } = double.NaN;

        /// <summary>Batch size when the record has no <c>BatchSize</c> member. Default 128.</summary>
        public int BatchSize { get; set; } = 128;

        /// <summary>Weight decay (L2 for SGD and Adam, decoupled for AdamW). Default 0 (AdamW: 0.01).</summary>
        public double WeightDecay { get; set; } = double.NaN;
    }

    /// <summary>Stochastic gradient descent, with optional heavy-ball or Nesterov momentum.</summary>
    /// <example>
    /// <code>[Sgd(Momentum = 0.9, Nesterov = true)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : OptimizerAttribute
    {
        /// <summary>Momentum (0: plain SGD).</summary>
        public double Momentum { get; set; }

        /// <summary>Use Nesterov momentum (needs <see cref="Momentum"/> &gt; 0).</summary>
        public bool Nesterov { get; set; }
    }

    /// <summary>Adam, AdamW or RAdam (choose with <see cref="Kind"/>, or sweep a record member <c>Optimizer</c>).</summary>
    /// <example>
    /// <code>[Adam(Kind = OptimizerKind.AdamW, WeightDecay = 0.01)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamAttribute : OptimizerAttribute
    {
        /// <summary>Adam (default), AdamW or RAdam.</summary>
        public OptimizerKind Kind { get; set; } = OptimizerKind.Adam;

        /// <summary>First-moment decay. Default 0.9.</summary>
        public double Beta1 { get; set; } = 0.9;

        /// <summary>Second-moment decay. Default 0.999.</summary>
        public double Beta2 { get; set; } = 0.999;

        /// <summary>Denominator term. Default 1e-8.</summary>
        public double Epsilon { get; set; } = 1e-8;
    }

    /// <summary>
    /// Compares optimizers in one experiment: the record's member <c>Optimizer</c> of type
    /// <see cref="OptimizerKind"/> (a sweep axis) chooses the kind per trial; the hyper-parameters
    /// come from members or from this attribute.
    /// </summary>
    /// <example>
    /// <code>
    /// [AnyOptimizer(Momentum = 0.9)]
    /// public partial record Optimizers([Values(OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.RAdam)] OptimizerKind Optimizer);
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AnyOptimizerAttribute : OptimizerAttribute
    {
        /// <summary>Momentum of the Momentum and Nesterov kinds. Default 0.9.</summary>
        public double Momentum { get; set; } = 0.9;

        /// <summary>First-moment decay of the Adam kinds. Default 0.9.</summary>
        public double Beta1 { get; set; } = 0.9;

        /// <summary>Second-moment decay of the Adam kinds. Default 0.999.</summary>
        public double Beta2 { get; set; } = 0.999;

        /// <summary>Denominator term of the Adam kinds. Default 1e-8.</summary>
        public double Epsilon { get; set; } = 1e-8;
    }
}
