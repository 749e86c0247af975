using System;

namespace Declarative
{
    /// <summary>
    /// The <c>smoke</c> budget of an experiment: a cheap run that checks the machinery end to end
    /// (the default of <c>./build.sh RunExperiments</c>). Each property left at 0 keeps the value of
    /// the full declaration. Give at most one of <see cref="Epochs"/>, <see cref="Steps"/> and
    /// <see cref="Updates"/>; it replaces the full budget's training length.
    /// </summary>
    /// <example>
    /// <code>[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 10_000, TestSubset = 2_000)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SmokeAttribute : Attribute
    {
        /// <summary>Epochs per trial in the smoke run (0: as declared).</summary>
        public int Epochs { get; set; }

        /// <summary>Optimizer steps per trial in the smoke run (0: as declared).</summary>
        public int Steps { get; set; }

        /// <summary>Fixed updates per trial whatever the batch size, in the smoke run (0: as declared).</summary>
        public int Updates { get; set; }

        /// <summary>Seeds per sweep point in the smoke run (0: as declared).</summary>
        public int Seeds { get; set; }

        /// <summary>
        /// The most seeds per point in the smoke run (adaptive seeds, see <see cref="ExperimentAttribute.MaxSeeds"/>). 0: as declared
        /// when <see cref="Seeds"/> is not set either, else a fixed <see cref="Seeds"/>.
        /// </summary>
        public int MaxSeeds { get; set; }

        /// <summary>Training examples used in the smoke run (0: as declared by the data set).</summary>
        public int TrainSubset { get; set; }

        /// <summary>Test examples used in the smoke run (0: as declared by the data set).</summary>
        public int TestSubset { get; set; }
    }
}
