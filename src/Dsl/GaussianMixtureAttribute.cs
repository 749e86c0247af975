using System;

namespace Declarative
{
    /// <summary>A synthetic classification task: a mixture of Gaussians, one per class, drawn with a fixed seed.</summary>
    /// <example>
    /// <code>[GaussianMixture(Classes = 10, Dimensions = 64, Train = 8192, Test = 2048, Separation = 2.0)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class GaussianMixtureAttribute : DataSetAttribute
    {
        /// <summary>Number of classes (mixture components). Default 10.</summary>
        public int Classes { get; set; } = 10;

        /// <summary>Input dimension. Default 64.</summary>
        public int Dimensions { get; set; } = 64;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Distance scale between class centres, in units of the within-class standard deviation. Default 2.</summary>
        public double Separation { get; set; } = 2.0;

        /// <summary>Seed of the draw (fixed for the experiment, independent of trial seeds). Default 1.</summary>
        public int Seed { get; set; } = 1;
    }
}
