using System;

namespace Declarative
{
    /// <summary>
    /// Trains on Fashion-MNIST (60,000 training and 10,000 test images of 28x28 pixels, 10 classes),
    /// read from the IDX files of Debian's <c>dataset-fashion-mnist</c> package
    /// (<c>/usr/share/datasets/fashion-mnist</c>) or from the folder named by
    /// <c>--data</c> or the <c>DECLARATIVE_FASHION_MNIST</c> environment variable.
    /// </summary>
    /// <example>
    /// <code>[FashionMnist(TrainSubset = 20_000)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class FashionMnistAttribute : Attribute
    {
        /// <summary>Train on this many examples, a fixed subset shared by all trials (0: all 60,000).</summary>
        public int TrainSubset { get; set; }

        /// <summary>Evaluate on this many test examples, a fixed subset (0: all 10,000).</summary>
        public int TestSubset { get; set; }
    }
}
