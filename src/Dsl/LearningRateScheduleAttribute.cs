using System;

namespace Declarative
{
    /// <summary>
    /// The learning-rate schedule (default constant), with an optional linear warm-up. The base value
    /// is the optimizer's learning rate.
    /// </summary>
    /// <example>
    /// <code>
    /// [LearningRateSchedule(ScheduleKind.Cosine, WarmupSteps = 200)]
    /// [LearningRateSchedule(ScheduleKind.Step, Period = 1000, Factor = 0.1)]
    /// [LearningRateSchedule(ScheduleKind.Cyclical, Period = 500, Minimum = 0.001)]
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class LearningRateScheduleAttribute : Attribute
    {
        /// <summary>The decay factor of Step when <see cref="Factor"/> is not given.</summary>
        public const double DefaultFactor = 0.1;

        /// <summary>A learning-rate schedule of the given kind.</summary>
        public LearningRateScheduleAttribute(ScheduleKind kind) => Kind = kind;

        /// <summary>The schedule's kind.</summary>
        public ScheduleKind Kind { get; }

        /// <summary>Steps of linear warm-up from 0 to the base learning rate. Default 0.</summary>
        public int WarmupSteps { get; set; }

        /// <summary>Steps between decays (Step) or steps per cycle (Cyclical).</summary>
        public int Period { get; set; }

        /// <summary>Decay factor of Step. Default 0.1.</summary>
        public double Factor { get; set; } = DefaultFactor;

        /// <summary>Lowest learning rate of Cosine and Cyclical. Default 0.</summary>
        public double Minimum { get; set; }
    }
}
