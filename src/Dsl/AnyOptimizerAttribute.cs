using System;

namespace Declarative
{
    /// <summary>
    /// Compares optimizers in one experiment: the record's member <c>Optimizer</c> of type
    /// <see cref="OptimizerKind"/> (a sweep axis) chooses the kind per trial; the hyper-parameters
    /// come from members or from this attribute.
    /// </summary>
    /// <example>
    /// <code>
    /// [AnyOptimizer(Momentum = 0.9)]
    /// public partial record Optimizers([Values(OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.RAdam)] OptimizerKind Optimizer);
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AnyOptimizerAttribute : OptimizerAttribute
    {
        /// <summary>The learning rate of every kind compared when neither <see cref="OptimizerAttribute.LearningRate"/> nor a record member gives it (SGD's).</summary>
        public const double DefaultLearningRate = SgdAttribute.DefaultLearningRate;

        /// <summary>The momentum of the Momentum and Nesterov kinds when neither <see cref="Momentum"/> nor a record member gives it.</summary>
        public const double DefaultMomentum = 0.9;

        /// <summary>Momentum of the Momentum and Nesterov kinds. Default 0.9.</summary>
        public double Momentum { get; set; } = DefaultMomentum;

        /// <summary>First-moment decay of the Adam kinds. Default 0.9.</summary>
        public double Beta1 { get; set; } = AdamAttribute.DefaultBeta1;

        /// <summary>Second-moment decay of the Adam kinds. Default 0.999.</summary>
        public double Beta2 { get; set; } = AdamAttribute.DefaultBeta2;

        /// <summary>Denominator term of the Adam kinds. Default 1e-8.</summary>
        public double Epsilon { get; set; } = AdamAttribute.DefaultEpsilon;
    }
}
