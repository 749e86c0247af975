using System;

namespace Declarative
{
    /// <summary>Adam, AdamW or RAdam (choose with <see cref="Kind"/>, or sweep a record member <c>Optimizer</c>).</summary>
    /// <example>
    /// <code>[Adam(Kind = OptimizerKind.AdamW, WeightDecay = 0.01)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamAttribute : OptimizerAttribute
    {
        /// <summary>The kind when <see cref="Kind"/> is not given.</summary>
        public const OptimizerKind DefaultKind = OptimizerKind.Adam;

        /// <summary>The learning rate of the Adam family when neither <see cref="OptimizerAttribute.LearningRate"/> nor a record member gives it.</summary>
        public const double DefaultLearningRate = 0.001;

        /// <summary>The weight decay of AdamW when neither <see cref="OptimizerAttribute.WeightDecay"/> nor a record member gives it (the other kinds: 0).</summary>
        public const double DefaultAdamWWeightDecay = 0.01;

        /// <summary>First-moment decay of the Adam family (also of <c>[AnyOptimizer]</c>) when not given.</summary>
        public const double DefaultBeta1 = 0.9;

        /// <summary>Second-moment decay of the Adam family (also of <c>[AnyOptimizer]</c>) when not given.</summary>
        public const double DefaultBeta2 = 0.999;

        /// <summary>Denominator term of the Adam family (also of <c>[AnyOptimizer]</c>) when not given.</summary>
        public const double DefaultEpsilon = 1e-8;

        /// <summary>Adam (default), AdamW or RAdam.</summary>
        public OptimizerKind Kind { get; set; } = DefaultKind;

        /// <summary>First-moment decay. Default 0.9.</summary>
        public double Beta1 { get; set; } = DefaultBeta1;

        /// <summary>Second-moment decay. Default 0.999.</summary>
        public double Beta2 { get; set; } = DefaultBeta2;

        /// <summary>Denominator term. Default 1e-8.</summary>
        public double Epsilon { get; set; } = DefaultEpsilon;
    }
}
