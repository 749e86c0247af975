using System;

namespace Declarative
{
    /// <summary>
    /// A training budget of the form "until the training loss (or accuracy) reaches a target, at most N epochs": every
    /// trial stops at the first epoch end at which its target holds, so that trials are compared at matched training loss
    /// rather than after equal epochs (Keskar et al. 2017 and Hoffer et al. 2017 compare batch sizes near convergence).
    /// Give exactly one of <see cref="TrainLoss"/> and <see cref="TrainAccuracy"/>. The cap is the budget's epochs:
    /// <see cref="ExperimentAttribute.Epochs"/> for the full run and <see cref="SmokeAttribute.Epochs"/> for the smoke run
    /// (the target applies to both); a budget in steps or updates is refused.
    /// <para>
    /// The check is made after the last update of each epoch, on the set the trial trains on (with label noise, the noisy
    /// labels), in evaluation mode: the same evaluation as the <c>TrainLoss</c> and <c>TrainAccuracy</c> instruments (one
    /// evaluation per step serves both). At the stop the trial ends as at the end of its budget: its <c>AtEnd</c>
    /// instruments are measured on the weights it stopped with. Claims read whether and when a trial reached its target
    /// from its result (<c>r.ReachedTarget</c>, <c>r.StepsTrained</c>, <c>r.EpochsTrained</c>); a trial that trains to the
    /// cap without reaching it is kept and marked as not reaching it. A different target is a different trial (its id
    /// changes). Target trials train alone: trials of one pack would stop at different epochs.
    /// </para>
    /// </summary>
    /// <example>
    /// <code>
    /// [Experiment(Epochs = 50, Seeds = 3), Smoke(Epochs = 2, TrainSubset = 5_000)]
    /// [TrainUntil(TrainLoss = 0.15)]
    /// [Track(Instruments.TestAccuracy | Instruments.HessianTopEigenvalues, AtEnd = true)]
    /// public partial record LargeBatchAtMatchedLoss([Values(128, 4096)] int BatchSize)
    /// {
    ///     public static Claim LargeBatchGeneralisesWorse =>
    ///         Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 128, than: p => p.BatchSize == 4096, when: r => r.ReachedTarget);
    /// }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class TrainUntilAttribute : Attribute
    {
        /// <summary>Stop at the first epoch end at which the mean cross-entropy on the training set is at most this value (above 0).</summary>
        public double TrainLoss { get; set; }

        /// <summary>Stop at the first epoch end at which the accuracy on the training set is at least this value (in (0, 1]).</summary>
        public double TrainAccuracy { get; set; }

        /// <summary>
        /// Check the target on a fixed subset of this many training examples (the same subset every epoch and trial, as the
        /// subset instruments use) instead of the whole training set (0, the default). The check is a forward pass over
        /// the examples at every epoch end; on a large training set a subset makes it cheaper, at the price of checking an
        /// estimate.
        /// </summary>
        public int Examples { get; set; }
    }
}
