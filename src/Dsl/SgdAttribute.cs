using System;

namespace Declarative
{
    /// <summary>
    /// Trains with stochastic gradient descent (TorchSharp's <c>SGD</c>) on the mean cross-entropy
    /// of each mini-batch. The learning rate and batch size come from the record's members named
    /// <c>LearningRate</c> and <c>BatchSize</c> (sweep axes or computed properties), or from
    /// <see cref="LearningRate"/> and <see cref="BatchSize"/> here when the record has no such member.
    /// </summary>
    /// <example>
    /// <code>[Sgd(Momentum = 0.9)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : Attribute
    {
        /// <summary>Fixed learning rate, used when the record has no <c>LearningRate</c> member. Default 0.1.</summary>
        public double LearningRate { get; set; } = 0.1;

        /// <summary>Fixed batch size, used when the record has no <c>BatchSize</c> member. Default 128.</summary>
        public int BatchSize { get; set; } = 128;

        /// <summary>Heavy-ball momentum (0: plain SGD).</summary>
        public double Momentum { get; set; }

        /// <summary>L2 weight decay added to the gradient (0: none).</summary>
        public double WeightDecay { get; set; }
    }
}
