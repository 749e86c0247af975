using System;

namespace Declarative
{
    /// <summary>
    /// Tracks one or more instruments at a cadence. Give exactly one cadence: <see cref="Every"/>,
    /// <see cref="AtEpochEnd"/>, <see cref="AtEnd"/>, <see cref="AtSteps"/> or <see cref="LogSpaced"/>.
    /// The last step of a trial is always measured, so every trial has a final value.
    /// </summary>
    /// <example>
    /// <code>
    /// [Track(Instruments.BatchLoss, Every = 50)]
    /// [Track(Instruments.TestAccuracy | Instruments.TestLoss, AtEpochEnd = true)]
    /// [Track(Instruments.DistanceFromInit, LogSpaced = 10)]
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
    public sealed class TrackAttribute : Attribute
    {
        /// <summary>Tracks the given instruments.</summary>
        public TrackAttribute(Instruments instruments) => Instruments = instruments;

        /// <summary>The instruments tracked.</summary>
        public Instruments Instruments { get; }

        /// <summary>Measure every N optimizer steps: after updates N, 2N, ... (steps count completed updates; nothing is measured before training). N must be positive (DCL007).</summary>
        public int Every { get; set; }

        /// <summary>Measure after the last step of each epoch.</summary>
        public bool AtEpochEnd { get; set; }

        /// <summary>Measure only after the last step of the trial.</summary>
        public bool AtEnd { get; set; }

        /// <summary>Measure after the listed optimizer steps (1 is after the first update; every step must be 1 or more, DCL007).</summary>
        public int[]? AtSteps { get; set; }

        /// <summary>Measure at N log-spaced steps per decade (1, 2, 5, 10, ... for N = 3).</summary>
        public int LogSpaced { get; set; }

        /// <summary>Number of top Hessian eigenvalues to compute (Lanczos). Default 1.</summary>
        public int TopK { get; set; }

        /// <summary>Examples of the fixed training subset of the full-batch instruments when <see cref="Examples"/> is not given.</summary>
        public const int DefaultExamples = 1024;

        /// <summary>
        /// Examples of the fixed training subset ε-sharpness is measured on when <see cref="Examples"/> is not given: its
        /// maximisation fits the box to the subset, so a small subset gives a noisy and upward-biased estimate.
        /// </summary>
        public const int DefaultSharpnessExamples = 10_000;

        /// <summary>
        /// Examples of the fixed training subset used by full-batch instruments (gradient norm, Hessian, sharpness).
        /// Default <see cref="DefaultExamples"/> (1024), for ε-sharpness <see cref="DefaultSharpnessExamples"/> (10,000);
        /// 0 or more than the training set means all of it.
        /// </summary>
        public int Examples { get; set; }

        /// <summary>Random probes (Hutchinson trace) or mini-batches (gradient noise). Default 10.</summary>
        public int Samples { get; set; }

        /// <summary>First alpha of an interpolation profile. Default −0.5.</summary>
        public double AlphaFrom { get; set; } = double.NaN;

        /// <summary>Last alpha of an interpolation profile. Default 1.5.</summary>
        public double AlphaTo { get; set; } = double.NaN;

        /// <summary>Points of an interpolation profile, ends included. Default 21.</summary>
        public int AlphaPoints { get; set; }

        /// <summary>Relative box size of ε-sharpness. Default 1e-3.</summary>
        public double Epsilon { get; set; } = double.NaN;

        /// <summary>Most projected ascent steps of ε-sharpness when <see cref="AscentSteps"/> is not given.</summary>
        public const int DefaultAscentSteps = 100;

        /// <summary>Relative tolerance of ε-sharpness's maximisation when <see cref="AscentTolerance"/> is not given.</summary>
        public const double DefaultAscentTolerance = 1e-3;

        /// <summary>
        /// Most projected ascent steps of ε-sharpness: a safeguard, since the ascent stops when it has converged (see
        /// <see cref="AscentTolerance"/>); a run stopped here is reported by <c>Instruments.EpsilonSharpnessSteps</c> as a
        /// negative count. Default <see cref="DefaultAscentSteps"/> (100).
        /// </summary>
        public int AscentSteps { get; set; }

        /// <summary>
        /// Convergence tolerance of ε-sharpness's maximisation: it stops when the largest loss found rose by less than this
        /// fraction of its rise above the starting loss over the last 5 steps. Default <see cref="DefaultAscentTolerance"/> (1e-3).
        /// </summary>
        public double AscentTolerance { get; set; } = double.NaN;
    }
}
