using System;

namespace Declarative
{
    /// <summary>
    /// Regime adaptation (Hoffer et al. 2017): the learning rate is scaled by sqrt(B / <see cref="BaseBatchSize"/>),
    /// and, with <c>[Experiment(Updates = N)]</c>, every batch size makes the same number of updates.
    /// A record member <c>RegimeAdaptation</c> of type <c>bool</c> can switch it per trial.
    /// </summary>
    /// <example>
    /// <code>[RegimeAdaptation(BaseBatchSize = 128)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class RegimeAdaptationAttribute : Attribute
    {
        /// <summary>B0 when <see cref="BaseBatchSize"/> is not given.</summary>
        public const int DefaultBaseBatchSize = 128;

        /// <summary>The batch size B0 at which the declared learning rate applies unscaled. Default 128.</summary>
        public int BaseBatchSize { get; set; } = DefaultBaseBatchSize;
    }
}
