using System.Globalization;
using Declarative.Runtime.Instruments;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// A target budget (<c>[TrainUntil]</c>): a trial stops at the first epoch end at which <see cref="Metric"/> on its training
/// set (the set it trains on, label noise included) reaches <see cref="Value"/>, and trains at most the budget's epochs.
/// </summary>
/// <param name="Metric">The training-set metric watched.</param>
/// <param name="Value">The target: a loss at most this, or an accuracy at least this.</param>
/// <param name="Examples">Check on the fixed training subset of this many examples (<see cref="InstrumentContext.FixedSubset"/>); 0: the whole training set.</param>
public sealed record TrainingTarget(TargetMetric Metric, double Value, int Examples = 0)
{
    /// <summary>Whether <paramref name="measured"/> meets the target (never for NaN).</summary>
    public bool IsMetBy(double measured) => Metric == TargetMetric.TrainLoss ? measured <= Value : measured >= Value;

    /// <summary>
    /// The watched metric of the trial's current weights at <paramref name="step"/>: the evaluation the <c>TrainLoss</c> and
    /// <c>TrainAccuracy</c> (or, with <see cref="Examples"/>, <c>SubsetLoss</c> and <c>SubsetAccuracy</c>) instruments make, shared
    /// with them at that step.
    /// </summary>
    public double Measure(InstrumentContext context, long step)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (loss, accuracy) = Examples > 0 ? context.EvaluateSubset(Examples, step) : context.EvaluateTrain(step);
        return Metric == TargetMetric.TrainLoss ? loss : accuracy;
    }

    /// <summary>The target in words: "TrainLoss ≤ 0.15", "TrainAccuracy ≥ 0.97 on 10000 training examples".</summary>
    public string Describe() =>
        $"{Metric} {(Metric == TargetMetric.TrainLoss ? "≤" : "≥")} {Value.ToString("R", CultureInfo.InvariantCulture)}"
        + (Examples > 0 ? $" on {Examples.ToString(CultureInfo.InvariantCulture)} training examples" : "");

    public override string ToString() => Describe();
}
