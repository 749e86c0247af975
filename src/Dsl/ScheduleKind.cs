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
}
