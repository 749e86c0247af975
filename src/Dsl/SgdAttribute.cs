using System;

namespace Declarative
{
    /// <summary>Stochastic gradient descent, with optional heavy-ball or Nesterov momentum.</summary>
    /// <example>
    /// <code>[Sgd(Momentum = 0.9, Nesterov = true)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : OptimizerAttribute
    {
        /// <summary>The learning rate of SGD when neither <see cref="OptimizerAttribute.LearningRate"/> nor a record member gives it.</summary>
        public const double DefaultLearningRate = 0.1;

        /// <summary>Momentum (0: plain SGD).</summary>
        public double Momentum { get; set; }

        /// <summary>Use Nesterov momentum (needs <see cref="Momentum"/> &gt; 0).</summary>
        public bool Nesterov { get; set; }
    }
}
