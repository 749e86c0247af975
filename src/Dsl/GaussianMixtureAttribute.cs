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
        /// <summary><see cref="Classes"/> when not given.</summary>
        public const int DefaultClasses = 10;

        /// <summary><see cref="Dimensions"/> when not given.</summary>
        public const int DefaultDimensions = 64;

        /// <summary><see cref="Train"/> when not given.</summary>
        public const int DefaultTrain = 8192;

        /// <summary><see cref="Test"/> when not given.</summary>
        public const int DefaultTest = 2048;

        /// <summary><see cref="Separation"/> when not given.</summary>
        public const double DefaultSeparation = 2.0;

        /// <summary><see cref="Seed"/> when not given.</summary>
        public const int DefaultSeed = 1;

        /// <summary>Number of classes (mixture components). Default 10.</summary>
        public int Classes { get; set; } = DefaultClasses;

        /// <summary>Input dimension. Default 64.</summary>
        public int Dimensions { get; set; } = DefaultDimensions;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = DefaultTrain;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = DefaultTest;

        /// <summary>Distance scale between class centres, in units of the within-class standard deviation. Default 2.</summary>
        public double Separation { get; set; } = DefaultSeparation;

        /// <summary>Seed of the draw (fixed for the experiment, independent of trial seeds). Default 1.</summary>
        public int Seed { get; set; } = DefaultSeed;
    }
}
