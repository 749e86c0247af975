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
    /// A small convolutional network: 3x3 convolutions with ReLU and 2x2 max-pooling per stage
    /// (channels per stage, times <see cref="ModelAttribute.Width"/>), global average pooling, a linear read-out.
    /// </summary>
    /// <example>
    /// <code>[Cnn(32, 64)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class CnnAttribute : ModelAttribute
    {
        /// <summary>A CNN with the given channels per stage (default 32, 64).</summary>
        public CnnAttribute(params int[] channels) => Channels = channels.Length == 0 ? new[] { 32, 64 } : channels;

        /// <summary>Channels of each stage.</summary>
        public int[] Channels { get; }
    }

    /// <summary>A small ResNet with batch norm: a stem, <see cref="Blocks"/> residual blocks per stage, three stages.</summary>
    /// <example>
    /// <code>[ResNet(Blocks = 1, Channels = 16)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ResNetAttribute : ModelAttribute
    {
        /// <summary>Residual blocks per stage. Default 1.</summary>
        public int Blocks { get; set; } = 1;

        /// <summary>Channels of the first stage (doubled at each of the next two). Default 16.</summary>
        public int Channels { get; set; } = 16;
    }
}
