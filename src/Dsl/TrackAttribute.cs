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

        /// <summary>Measure every N optimizer steps (and at step 0, before training).</summary>
        public int Every { get; set; }

        /// <summary>Measure after the last step of each epoch.</summary>
        public bool AtEpochEnd { get; set; }

        /// <summary>Measure only after the last step of the trial.</summary>
        public bool AtEnd { get; set; }

        /// <summary>Measure after the listed optimizer steps (0 is before training).</summary>
        public int[]? AtSteps { get; set; }

        /// <summary>Measure at N log-spaced steps per decade (1, 2, 5, 10, ... for N = 3), plus step 0.</summary>
        public int LogSpaced { get; set; }
    }
}
