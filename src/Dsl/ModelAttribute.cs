using System;

namespace Declarative
{
    /// <summary>How hidden layers are normalised.</summary>
    public enum Normalization
    {
        /// <summary>No normalisation.</summary>
        None,

        /// <summary>Batch normalisation over the whole mini-batch.</summary>
        BatchNorm,

        /// <summary>Ghost Batch Normalization: statistics over virtual batches of <c>GhostBatchSize</c> inside the mini-batch (Hoffer et al. 2017).</summary>
        GhostBatchNorm,
    }

    /// <summary>
    /// What every model declaration shares. A record member named <c>Width</c>, <c>InitScale</c>,
    /// <c>Normalization</c> or <c>GhostBatchSize</c> (a sweep axis or computed property) takes
    /// precedence over the value here. Declare exactly one model; with none, an MLP 256-256.
    /// </summary>
    public abstract class ModelAttribute : Attribute
    {
        /// <summary>Multiplies every hidden width (and channel count). Default 1.</summary>
        public double Width { get; set; } = 1.0;

        /// <summary>Multiplies the default initial weights (PyTorch's initialisation). Default 1.</summary>
        public double InitScale { get; set; } = 1.0;

        /// <summary>Normalisation of hidden layers. Default none (the ResNet always uses batch norm).</summary>
        public Normalization Normalization { get; set; }

        /// <summary>Virtual batch size of Ghost Batch Normalization (it must divide the batch size). Default 32.</summary>
        public int GhostBatchSize { get; set; } = 32;
    }

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
        /// <summary>An MLP with the given hidden-layer widths (none: a linear classifier).</summary>
        public MlpAttribute(params int[] hidden) => Hidden = hidden;

        /// <summary>The hidden-layer widths, input side first.</summary>
        public int[] Hidden { get; }
    }

    /// <summary>
    /// A small convolutional network for 28x28x1 or 32x32x3 images: two blocks of 3x3 convolution
    /// (32 and 64 channels, times <see cref="ModelAttribute.Width"/>), optional normalisation, ReLU and
    /// 2x2 max-pooling, a hidden layer of 128 units (times the width) and a linear read-out.
    /// </summary>
    /// <example>
    /// <code>[Cnn(Width = 0.5)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class CnnAttribute : ModelAttribute
    {
    }

    /// <summary>
    /// A small CIFAR-style ResNet with batch norm: a 3x3 stem, three stages of <see cref="Blocks"/>
    /// basic residual blocks with 16, 32 and 64 channels (times <see cref="ModelAttribute.Width"/>),
    /// global average pooling and a linear read-out. Always batch-normalised.
    /// </summary>
    /// <example>
    /// <code>[ResNet(Blocks = 2)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ResNetAttribute : ModelAttribute
    {
        /// <summary>Residual blocks per stage. Default 1.</summary>
        public int Blocks { get; set; } = 1;
    }
}
