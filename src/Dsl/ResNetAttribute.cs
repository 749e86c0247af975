using System;

namespace Declarative
{
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
        /// <summary>Residual blocks per stage when <see cref="Blocks"/> is not given.</summary>
        public const int DefaultBlocks = 1;

        /// <summary>Residual blocks per stage. Default 1.</summary>
        public int Blocks { get; set; } = DefaultBlocks;
    }
}
