using System;

namespace Declarative
{
    /// <summary>
    /// Declares a <c>partial record</c> as an experiment. The record's positional parameters are the
    /// sweep axes (each with a <see cref="ValuesAttribute"/>); the source generator expands the record
    /// into its list of trials, a typed metric row and a training loop.
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
        /// <summary>The experiment's name in the store, reports and <c>--filter</c>. Defaults to the record's name.</summary>
        public string? Name { get; set; }

        /// <summary>Passes over the training set per trial at the <c>full</c> budget. Default 1.</summary>
        public int Epochs { get; set; } = 1;

        /// <summary>Seeds per sweep point at the <c>full</c> budget (seeds 0, 1, ...). Default 1.</summary>
        public int Seeds { get; set; } = 1;
    }
}
