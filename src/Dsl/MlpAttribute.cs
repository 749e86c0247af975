using System;

namespace Declarative
{
    /// <summary>
    /// A multilayer perceptron with ReLU activations: the flattened input, one fully connected layer
    /// per hidden width (times <see cref="ModelAttribute.Width"/>), then a linear read-out.
    /// </summary>
    /// <example>
    /// <code>
    /// [Mlp(256, 256)]                                   // 784-256-256-10 on Fashion-MNIST
    /// [Mlp(512, 512, 512, Normalization = Normalization.BatchNorm)]
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class MlpAttribute : ModelAttribute
    {
        /// <summary>Hidden layers of the MLP an experiment trains when it declares no model.</summary>
        public const int DefaultHiddenLayers = 2;

        /// <summary>Width of each hidden layer of the MLP an experiment trains when it declares no model.</summary>
        public const int DefaultHiddenWidth = 256;

        /// <summary>An MLP with the given hidden-layer widths (none: a linear classifier).</summary>
        public MlpAttribute(params int[] hidden) => Hidden = hidden;

        /// <summary>The hidden-layer widths, input side first.</summary>
        public int[] Hidden { get; }
    }
}
