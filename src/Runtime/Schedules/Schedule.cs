namespace Declarative.Runtime.Schedules;

/// <summary>
/// A value over training time: the learning rate over optimizer steps, or the batch size over
/// epochs. <see cref="At"/> takes the 0-based position <c>t</c> (the update about to be made, or
/// the epoch about to start) and the total length <c>T</c> (total updates, or epochs), so that
/// schedules such as cosine need no length of their own. Build one with the static factories;
/// <see cref="Description"/> is a stable text for reports.
/// </summary>
public abstract record Schedule
{
    private protected Schedule() { }

    /// <summary>The value at position <paramref name="t"/> (0-based) of <paramref name="total"/>.</summary>
    public abstract double At(long t, long total);

    public abstract string Description { get; }

    /// <summary>v at every t.</summary>
    public static Schedule Constant(double value) => new ConstantSchedule(value);

    /// <summary>v · γ^⌊t / every⌋ (PyTorch's StepLR).</summary>
    public static Schedule Step(double value, long every, double gamma = 0.1)
    {
        if (every <= 0) throw new ArgumentOutOfRangeException(nameof(every), every, "A step schedule needs a positive period.");
        return new StepSchedule(value, every, gamma);
    }

    /// <summary>Steps at explicit milestones: v · γ^(number of milestones ≤ t) (PyTorch's MultiStepLR).</summary>
    public static Schedule MultiStep(double value, IReadOnlyList<long> milestones, double gamma = 0.1) =>
        new MultiStepSchedule(value, milestones.OrderBy(m => m).ToArray(), gamma);

    /// <summary>min + (v − min) · (1 + cos(π t / T)) / 2 (PyTorch's CosineAnnealingLR over the whole run).</summary>
    public static Schedule Cosine(double value, double minimum = 0) => new CosineSchedule(value, minimum);

    /// <summary>
    /// Linear warm-up: from <paramref name="startFactor"/> · after(warmup) at t = 0 rising linearly to the
    /// value of <paramref name="after"/> at t = <paramref name="warmup"/>, then <paramref name="after"/> itself
    /// (which sees the same t and T as without warm-up).
    /// </summary>
    public static Schedule Warmup(long warmup, Schedule after, double startFactor = 0)
    {
        if (warmup < 0) throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "The warm-up length cannot be negative.");
        return new WarmupSchedule(warmup, after, startFactor);
    }

    /// <summary>Linear warm-up to a constant value.</summary>
    public static Schedule Warmup(long warmup, double value, double startFactor = 0) => Warmup(warmup, Constant(value), startFactor);

    /// <summary>
    /// Cyclical triangular schedule (Smith 2017, PyTorch's CyclicLR "triangular"): from
    /// <paramref name="low"/> at t = 0 up to <paramref name="high"/> at t = halfPeriod, back to low at
    /// t = 2 · halfPeriod, and so on.
    /// </summary>
    public static Schedule Triangular(double low, double high, long halfPeriod)
    {
        if (halfPeriod <= 0) throw new ArgumentOutOfRangeException(nameof(halfPeriod), halfPeriod, "A cyclical schedule needs a positive half period.");
        return new TriangularSchedule(low, high, halfPeriod);
    }

    /// <summary>This schedule's value times a constant factor (regime adaptation's √(B/B₀)).</summary>
    public Schedule Scaled(double factor) => factor == 1 ? this : new ScaledSchedule(this, factor);

    private sealed record ConstantSchedule(double Value) : Schedule
    {
        public override double At(long t, long total) => Value;
        public override string Description => $"constant {Value:G6}";
    }

    private sealed record StepSchedule(double Value, long Every, double Gamma) : Schedule
    {
        public override double At(long t, long total) => Value * Math.Pow(Gamma, t / Every);
        public override string Description => $"step {Value:G6} ×{Gamma:G6} every {Every}";
    }

    private sealed record MultiStepSchedule(double Value, long[] Milestones, double Gamma) : Schedule
    {
        public override double At(long t, long total) => Value * Math.Pow(Gamma, Milestones.Count(m => m <= t));
        public override string Description => $"step {Value:G6} ×{Gamma:G6} at {string.Join(", ", Milestones)}";
    }

    private sealed record CosineSchedule(double Value, double Minimum) : Schedule
    {
        public override double At(long t, long total) =>
            total <= 0 ? Value : Minimum + (Value - Minimum) * (1 + Math.Cos(Math.PI * Math.Min(t, total) / total)) / 2;
        public override string Description => $"cosine {Value:G6} to {Minimum:G6}";
    }

    private sealed record WarmupSchedule(long Length, Schedule After, double StartFactor) : Schedule
    {
        public override double At(long t, long total)
        {
            if (t >= Length) return After.At(t, total);
            var target = After.At(Length, total);
            return target * (StartFactor + (1 - StartFactor) * t / Length);
        }

        public override string Description => $"linear warm-up over {Length}, then {After.Description}";
    }

    private sealed record TriangularSchedule(double Low, double High, long HalfPeriod) : Schedule
    {
        public override double At(long t, long total)
        {
            var phase = t % (2 * HalfPeriod);
            var x = phase <= HalfPeriod ? (double)phase / HalfPeriod : (double)(2 * HalfPeriod - phase) / HalfPeriod;
            return Low + (High - Low) * x;
        }

        public override string Description => $"triangular {Low:G6} to {High:G6}, half period {HalfPeriod}";
    }

    private sealed record ScaledSchedule(Schedule Inner, double Factor) : Schedule
    {
        public override double At(long t, long total) => Inner.At(t, total) * Factor;
        public override string Description => $"{Inner.Description} ×{Factor:G6}";
    }
}
