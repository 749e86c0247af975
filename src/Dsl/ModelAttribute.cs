using System;

namespace Declarative
{
    /// <summary>
    /// What every model declaration shares. A record member named <c>Width</c>, <c>InitScale</c>,
    /// <c>Normalization</c> or <c>GhostBatchSize</c> (a sweep axis or computed property) takes
    /// precedence over the value here. Declare exactly one model; with none, an MLP 256-256.
    /// </summary>
    public abstract class ModelAttribute : Attribute
    {
        /// <summary>The width multiplier when <see cref="Width"/> is not given.</summary>
        public const double DefaultWidth = 1.0;

        /// <summary>The initial-weight scale when <see cref="InitScale"/> is not given.</summary>
        public const double DefaultInitScale = 1.0;

        /// <summary>The ghost batch size when <see cref="GhostBatchSize"/> is not given.</summary>
        public const int DefaultGhostBatchSize = 32;

        /// <summary>Multiplies every hidden width (and channel count). Default 1.</summary>
        public double Width { get; set; } = DefaultWidth;

        /// <summary>Multiplies the default initial weights (PyTorch's initialisation). Default 1.</summary>
        public double InitScale { get; set; } = DefaultInitScale;

        /// <summary>Normalisation of hidden layers. Default none (the ResNet always uses batch norm).</summary>
        public Normalization Normalization { get; set; }

        /// <summary>Virtual batch size of Ghost Batch Normalization (it must divide the batch size). Default 32.</summary>
        public int GhostBatchSize { get; set; } = DefaultGhostBatchSize;
    }
}
