using System;

namespace Declarative
{
    /// <summary>
    /// The explicit gradient-norm penalty of implicit gradient regularization (Barrett and Dherin 2021):
    /// training minimises L + λ‖∇L‖² by double backward. λ comes from a record member
    /// <c>PenaltyCoefficient</c> (a sweep axis) or from <see cref="Coefficient"/>.
    /// </summary>
    /// <example>
    /// <code>[GradientPenalty(Coefficient = 0.01)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class GradientPenaltyAttribute : Attribute
    {
        /// <summary>λ when the record has no <c>PenaltyCoefficient</c> member. Default 0.</summary>
        public double Coefficient { get; set; }
    }
}
