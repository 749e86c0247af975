using System;

namespace Declarative
{
    /// <summary>
    /// Regime adaptation (Hoffer et al. 2017): the learning rate is scaled by sqrt(B / <see cref="BaseBatchSize"/>),
    /// and every batch size makes the updates B0 makes in the declared epochs (or, with <c>[Experiment(Updates = N)]</c>, N).
    /// A record member <c>RegimeAdaptation</c> switches it per trial: of type <c>bool</c> (off or both parts), or of type
    /// <see cref="Adaptation"/> to apply one part alone (more updates; scaled learning rate) and measure each part's share.
    /// </summary>
    /// <example>
    /// <code>[RegimeAdaptation(BaseBatchSize = 128)]</code>
    /// <code>[Values(Adaptation.None, Adaptation.MoreUpdates, Adaptation.ScaledLearningRate, Adaptation.Full)] Adaptation RegimeAdaptation</code>
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
