using System;

namespace Declarative
{
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
}
