using System;

namespace Declarative
{
    /// <summary>
    /// A synthetic regression task with known ground truth: y = xᵀAx + bᵀx on Gaussian features x,
    /// trained on the mean squared error (accuracy instruments are not available for it).
    /// </summary>
    /// <example>
    /// <code>[QuadraticTarget(Dimensions = 20)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class QuadraticTargetAttribute : DataSetAttribute
    {
        /// <summary><see cref="Dimensions"/> when not given.</summary>
        public const int DefaultDimensions = 20;

        /// <summary><see cref="Train"/> when not given.</summary>
        public const int DefaultTrain = 8192;

        /// <summary><see cref="Test"/> when not given.</summary>
        public const int DefaultTest = 2048;

        /// <summary><see cref="Seed"/> when not given.</summary>
        public const int DefaultSeed = 1;

        /// <summary>Feature dimension. Default 20.</summary>
        public int Dimensions { get; set; } = DefaultDimensions;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = DefaultTrain;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = DefaultTest;

        /// <summary>Standard deviation of Gaussian noise added to the training targets. Default 0.</summary>
        public double Noise { get; set; }

        /// <summary>Seed of A, b and the features. Default 1.</summary>
        public int Seed { get; set; } = DefaultSeed;
    }
}
