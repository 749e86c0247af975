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
        /// <summary>Feature dimension. Default 20.</summary>
        public int Dimensions { get; set; } = 20;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Standard deviation of Gaussian noise added to the training targets. Default 0.</summary>
        public double Noise { get; set; }

        /// <summary>Seed of A, b and the features. Default 1.</summary>
        public int Seed { get; set; } = 1;
    }
}
