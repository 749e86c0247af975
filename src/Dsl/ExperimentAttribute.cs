using System;

namespace Declarative
{
    /// <summary>
    /// Declares a <c>partial record</c> as an experiment. The record's positional parameters are the
    /// sweep axes (each with <see cref="ValuesAttribute"/>, a range or a random sample); the source
    /// generator expands the record into its list of trials, a typed metric row and a training loop.
    /// This attribute sets the <c>full</c> budget; <see cref="SmokeAttribute"/> sets the cheap one.
    /// Give at most one of <see cref="Epochs"/>, <see cref="Steps"/> and <see cref="Updates"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// [Experiment(Epochs = 3, Seeds = 2)]
    /// [FashionMnist, Mlp(256, 256), Sgd]
    /// [Track(Instruments.TestAccuracy, AtEpochEnd = true)]
    /// public partial record LearningRateSweep([Values(0.01, 0.1)] double LearningRate, [Values(32, 128)] int BatchSize);
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class ExperimentAttribute : Attribute
    {
        /// <summary>Passes over the training set when no budget is given.</summary>
        public const int DefaultEpochs = 1;

        /// <summary>Seeds per sweep point when <see cref="Seeds"/> is not given.</summary>
        public const int DefaultSeeds = 1;

        /// <summary>Where trials train when <see cref="Device"/> is not given: CUDA when present, else CPU.</summary>
        public const string DefaultDevice = "auto";

        /// <summary>The experiment's name in the store, reports and <c>--filter</c>. Defaults to the record's name.</summary>
        public string? Name { get; set; }

        /// <summary>Passes over the training set per trial. Default 1 when no other budget is given.</summary>
        public int Epochs { get; set; }

        /// <summary>Optimizer steps per trial (instead of epochs).</summary>
        public int Steps { get; set; }

        /// <summary>
        /// A fixed number of updates whatever the batch size ("regime adaptation", Hoffer et al. 2017):
        /// every trial makes exactly this many optimizer steps, cycling through epochs as needed.
        /// </summary>
        public int Updates { get; set; }

        /// <summary>Seeds per sweep point (seeds 0, 1, ...). Default 1. With <see cref="MaxSeeds"/>, the seeds every point starts with.</summary>
        public int Seeds { get; set; } = DefaultSeeds;

        /// <summary>
        /// Adaptive seeds: the most seeds a sweep point may get (0, the default: exactly <see cref="Seeds"/>). The runner starts
        /// every point at <see cref="Seeds"/> and, in rounds at 2·Seeds, 4·Seeds, … and last MaxSeeds seeds, adds seeds to the
        /// points that the claims still inconclusive read, until every claim is decided or MaxSeeds is reached. Each of the L
        /// planned looks tests a claim at (1 − confidence)/L per side, so repeated looks do not inflate the error rate
        /// (docs/claims.md, "Adaptive seeds"). Needs at least one claim; must be above Seeds.
        /// </summary>
        /// <example><code>[Experiment(Epochs = 3, Seeds = 2, MaxSeeds = 8)]   // looks at 2, 4 and 8 seeds per point</code></example>
        public int MaxSeeds { get; set; }

        /// <summary>Where trials train: <c>auto</c> (CUDA when present, else CPU), <c>cpu</c> or <c>cuda</c>. The command line's <c>--device</c> overrides <c>auto</c>.</summary>
        public string Device { get; set; } = DefaultDevice;
    }
}
