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
        /// <summary>Adam (default), AdamW or RAdam.</summary>
        public OptimizerKind Kind { get; set; } = OptimizerKind.Adam;

        /// <summary>First-moment decay. Default 0.9.</summary>
        public double Beta1 { get; set; } = 0.9;

        /// <summary>Second-moment decay. Default 0.999.</summary>
        public double Beta2 { get; set; } = 0.999;

        /// <summary>Denominator term. Default 1e-8.</summary>
        public double Epsilon { get; set; } = 1e-8;
    }
}
