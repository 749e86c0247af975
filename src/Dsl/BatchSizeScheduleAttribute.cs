using System;

namespace Declarative
{
    /// <summary>
    /// The batch-size schedule (default constant): Step multiplies the batch size by <c>Factor</c>
    /// every <c>Period</c> epochs; Cyclical moves it between <c>Minimum</c> and the base batch size.
    /// </summary>
    /// <example>
    /// <code>[BatchSizeSchedule(ScheduleKind.Step, Period = 2, Factor = 2)]   // "don't decay the learning rate, increase the batch size"</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class BatchSizeScheduleAttribute : Attribute
    {
        /// <summary>The growth factor of Step when <see cref="Factor"/> is not given.</summary>
        public const double DefaultFactor = 2.0;

        /// <summary>A batch-size schedule of the given kind.</summary>
        public BatchSizeScheduleAttribute(ScheduleKind kind) => Kind = kind;

        /// <summary>The schedule's kind.</summary>
        public ScheduleKind Kind { get; }

        /// <summary>Epochs between changes (Step) or epochs per cycle (Cyclical).</summary>
        public int Period { get; set; }

        /// <summary>Growth factor of Step. Default 2.</summary>
        public double Factor { get; set; } = DefaultFactor;

        /// <summary>Smallest batch size of Cyclical.</summary>
        public int Minimum { get; set; }
    }
}
