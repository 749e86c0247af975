using System;

namespace Declarative
{
    /// <summary>
    /// What every optimizer declaration shares. Each value can instead come from a record member of
    /// the same name (<c>LearningRate</c>, <c>BatchSize</c>, <c>WeightDecay</c>, <c>Momentum</c>,
    /// <c>Beta1</c>, <c>Beta2</c>, <c>Epsilon</c>, or <c>Optimizer</c> of type <see cref="OptimizerKind"/>),
    /// a sweep axis or a computed property. Training minimises the mean cross-entropy of each mini-batch
    /// (mean squared error for regression data sets). Declare at most one; with none, plain SGD.
    /// </summary>
    public abstract class OptimizerAttribute : Attribute
    {
        /// <summary>The batch size when neither <see cref="BatchSize"/> nor a record member gives it.</summary>
        public const int DefaultBatchSize = 128;

        /// <summary>Learning rate when the record has no <c>LearningRate</c> member. Default <see cref="SgdAttribute.DefaultLearningRate"/> for <c>[Sgd]</c> and <c>[AnyOptimizer]</c>, <see cref="AdamAttribute.DefaultLearningRate"/> for <c>[Adam]</c>.</summary>
        public double LearningRate { get; set; } = double.NaN;

        /// <summary>Batch size when the record has no <c>BatchSize</c> member. Default 128.</summary>
        public int BatchSize { get; set; } = DefaultBatchSize;

        /// <summary>Weight decay (L2 for SGD and Adam, decoupled for AdamW). Default 0 (AdamW: <see cref="AdamAttribute.DefaultAdamWWeightDecay"/>).</summary>
        public double WeightDecay { get; set; } = double.NaN;
    }
}
