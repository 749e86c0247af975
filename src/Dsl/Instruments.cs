using System;

namespace Declarative
{
    /// <summary>
    /// The metric collectors an experiment can track. Each instrument is one column of the
    /// experiment's typed metric row; combine several with <c>|</c> in one <see cref="TrackAttribute"/>.
    /// </summary>
    [Flags]
    public enum Instruments : long
    {
        /// <summary>No instrument.</summary>
        None = 0,

        /// <summary>Mean cross-entropy of the step's mini-batch, before the update.</summary>
        BatchLoss = 1L << 0,

        /// <summary>Accuracy on the step's mini-batch, before the update.</summary>
        BatchAccuracy = 1L << 1,

        /// <summary>Mean cross-entropy on the training examples (the experiment's training subset).</summary>
        TrainLoss = 1L << 2,

        /// <summary>Accuracy on the training examples (the experiment's training subset).</summary>
        TrainAccuracy = 1L << 3,

        /// <summary>Mean cross-entropy on the test set.</summary>
        TestLoss = 1L << 4,

        /// <summary>Accuracy on the test set.</summary>
        TestAccuracy = 1L << 5,

        /// <summary>Euclidean distance of all weights from their initial values, ‖θ_t − θ_0‖.</summary>
        DistanceFromInit = 1L << 6,

        /// <summary>Distance from initialisation relative to the initial norm, ‖θ_t − θ_0‖ / ‖θ_0‖.</summary>
        RelativeDistanceFromInit = 1L << 7,
    }
}
