using System;

namespace Declarative
{
    /// <summary>
    /// A multilayer perceptron with ReLU activations: the flattened input, one fully connected layer
    /// per hidden width, then a linear layer to the classes. Weights use PyTorch's default
    /// initialisation for <c>Linear</c>.
    /// </summary>
    /// <example>
    /// <code>[Mlp(256, 256)]   // 784-256-256-10 on Fashion-MNIST</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class MlpAttribute : Attribute
    {
        /// <summary>An MLP with the given hidden-layer widths (none: a linear classifier).</summary>
        public MlpAttribute(params int[] hidden) => Hidden = hidden;

        /// <summary>The hidden-layer widths, input side first.</summary>
        public int[] Hidden { get; }
    }
}
