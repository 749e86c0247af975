using System;

namespace Declarative
{
    /// <summary>How a quantity changes over training.</summary>
    public enum ScheduleKind
    {
        /// <summary>Constant.</summary>
        Constant,

        /// <summary>Multiplied by <c>Factor</c> every <c>Period</c> steps (learning rate) or epochs (batch size).</summary>
        Step,

        /// <summary>Cosine annealing from the base value to <c>Minimum</c> over the trial.</summary>
        Cosine,

        /// <summary>Triangular cycles between <c>Minimum</c> and the base value, each <c>Period</c> steps (or epochs) long.</summary>
        Cyclical,
    }

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
        /// <summary>A learning-rate schedule of the given kind.</summary>
        public LearningRateScheduleAttribute(ScheduleKind kind) => Kind = kind;

        /// <summary>The schedule's kind.</summary>
        public ScheduleKind Kind { get; }

        /// <summary>Steps of linear warm-up from 0 to the base learning rate. Default 0.</summary>
        public int WarmupSteps { get; set; }

        /// <summary>Steps between decays (Step) or steps per cycle (Cyclical).</summary>
        public int Period { get; set; }

        /// <summary>Decay factor of Step. Default 0.1.</summary>
        public double Factor { get; set; } = 0.1;

        /// <summary>Lowest learning rate of Cosine and Cyclical. Default 0.</summary>
        public double Minimum { get; set; }
    }

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
        /// <summary>A batch-size schedule of the given kind.</summary>
        public BatchSizeScheduleAttribute(ScheduleKind kind) => Kind = kind;

        /// <summary>The schedule's kind.</summary>
        public ScheduleKind Kind { get; }

        /// <summary>Epochs between changes (Step) or epochs per cycle (Cyclical).</summary>
        public int Period { get; set; }

        /// <summary>Growth factor of Step. Default 2.</summary>
        public double Factor { get; set; } = 2;

        /// <summary>Smallest batch size of Cyclical.</summary>
        public int Minimum { get; set; }
    }

    /// <summary>
    /// Regime adaptation (Hoffer et al. 2017): the learning rate is scaled by sqrt(B / <see cref="BaseBatchSize"/>),
    /// and, with <c>[Experiment(Updates = N)]</c>, every batch size makes the same number of updates.
    /// A record member <c>RegimeAdaptation</c> of type <c>bool</c> can switch it per trial.
    /// </summary>
    /// <example>
    /// <code>[RegimeAdaptation(BaseBatchSize = 128)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class RegimeAdaptationAttribute : Attribute
    {
        /// <summary>The batch size B0 at which the declared learning rate applies unscaled. Default 128.</summary>
        public int BaseBatchSize { get; set; } = 128;
    }

    /// <summary>
    /// The explicit gradient-norm penalty of implicit gradient regularization (Barrett and Dherin 2021):
    /// training minimises L + λ‖∇L‖² by double backward. λ comes from a record member
    /// <c>PenaltyCoefficient</c> (a sweep axis) or from <see cref="Coefficient"/>.
    /// </summary>
    /// <example>
    /// <code>[GradientPenalty(Coefficient = 0.01)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class GradientPenaltyAttribute : Attribute
    {
        /// <summary>λ when the record has no <c>PenaltyCoefficient</c> member. Default 0.</summary>
        public double Coefficient { get; set; }
    }
}
