using System;

namespace Declarative
{
    /// <summary>
    /// Fashion-MNIST (60,000 training and 10,000 test images of 28x28 pixels, 10 classes), read from
    /// the IDX files of Debian's <c>dataset-fashion-mnist</c> (<c>/usr/share/datasets/fashion-mnist</c>)
    /// or from the folder named by <c>--data</c> or the <c>DECLARATIVE_FASHION_MNIST</c> variable.
    /// </summary>
    /// <example>
    /// <code>[FashionMnist(TrainSubset = 20_000, LabelNoise = 0.2)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class FashionMnistAttribute : DataSetAttribute
    {
    }
}
