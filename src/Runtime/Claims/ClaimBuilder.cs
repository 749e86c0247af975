using System.Runtime.CompilerServices;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Builds the claims of one experiment over its typed sweep points and metric rows. The generator
/// gives each experiment record a private static <c>Expect</c> of this type, so a claim reads
/// <c>Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize)</c>.
/// The C# of each argument is captured (CallerArgumentExpression) to state the claim in words.
/// Only trials that finished are used; diverged, failed and unfinished trials are counted in the evidence.
/// </summary>
public sealed partial class ClaimBuilder<TPoint, TMetrics>
    where TMetrics : IMetricRow
{
    /// <summary>Creates the builder; the generated code passes the experiment's typed row and point readers.</summary>
    public ClaimBuilder(Func<MetricSample, TMetrics> toMetrics, Func<IReadOnlyList<KeyValuePair<string, string>>, TPoint> toPoint)
    {
        ToMetrics = toMetrics;
        ToPoint = toPoint;
    }

    /// <summary>Turns a stored sample into the experiment's typed metric row.</summary>
    public Func<MetricSample, TMetrics> ToMetrics { get; }

    /// <summary>Turns a stored trial's parameters into the experiment's typed sweep point.</summary>
    public Func<IReadOnlyList<KeyValuePair<string, string>>, TPoint> ToPoint { get; }

    /// <summary>
    /// <paramref name="value"/> rises with <paramref name="by"/>: Spearman ρ ≥ <paramref name="minRho"/>, over the sweep
    /// points with seeds averaged (or over all finished trials with <paramref name="over"/> = Trials).
    /// Inconclusive with fewer than <paramref name="minPoints"/> points (trials) that finished.
    /// </summary>
    public Claim Increasing(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by, double minRho = 0.5, int minPoints = 3,
        MonotoneOver over = MonotoneOver.SweepPoints, Func<TPoint, bool>? where = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(by))] string byText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "") =>
        new MonotoneClaim<TPoint, TMetrics>(this, value, by, increasing: true, minRho, minPoints, over, valueText, byText, where, whereText);

    /// <summary><paramref name="value"/> falls as <paramref name="by"/> grows: Spearman ρ ≤ −<paramref name="minRho"/>; see <see cref="Increasing"/>.</summary>
    public Claim Decreasing(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by, double minRho = 0.5, int minPoints = 3,
        MonotoneOver over = MonotoneOver.SweepPoints, Func<TPoint, bool>? where = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(by))] string byText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "") =>
        new MonotoneClaim<TPoint, TMetrics>(this, value, by, increasing: false, minRho, minPoints, over, valueText, byText, where, whereText);

    /// <summary>
    /// Within every finished trial, <paramref name="metric"/> is linear in ln(step) (samples at step ≥ 1): the least-squares
    /// R² is at least <paramref name="minR2"/> in each trial. Inconclusive with fewer than <paramref name="minTrials"/> trials
    /// having <paramref name="minSamples"/> samples.
    /// </summary>
    public Claim LinearInLogStep(Func<TMetrics, double?> metric, double minR2 = 0.9, int minTrials = 2, int minSamples = 4,
        [CallerArgumentExpression(nameof(metric))] string metricText = "") =>
        new SeriesFitClaim<TPoint, TMetrics>(this, metric, step => Math.Log(step), "ln(step)", minR2, minTrials, minSamples, metricText);

    /// <summary>Within every finished trial, <paramref name="metric"/> is linear in the step itself; see <see cref="LinearInLogStep"/>.</summary>
    public Claim LinearInStep(Func<TMetrics, double?> metric, double minR2 = 0.9, int minTrials = 2, int minSamples = 4,
        [CallerArgumentExpression(nameof(metric))] string metricText = "") =>
        new SeriesFitClaim<TPoint, TMetrics>(this, metric, step => step, "step", minR2, minTrials, minSamples, metricText);

    /// <summary>
    /// <paramref name="value"/> is higher on the points selected by <paramref name="where"/> than on those selected by
    /// <paramref name="than"/>: the Welch t-interval (at <paramref name="confidence"/>) of the difference of the means over
    /// finished trials has its lower bound above 0. Inconclusive with fewer than <paramref name="minTrials"/> trials on a side.
    /// </summary>
    public Claim Greater(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than,
        double confidence = 0.95, int minTrials = 2,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "") =>
        new ComparisonClaim<TPoint, TMetrics>(this, value, where, than, greater: true, confidence, minTrials, valueText, whereText, thanText);

    /// <summary><paramref name="value"/> is lower where <paramref name="where"/> than where <paramref name="than"/>: the interval's upper bound is below 0.</summary>
    public Claim Less(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than,
        double confidence = 0.95, int minTrials = 2,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "") =>
        new ComparisonClaim<TPoint, TMetrics>(this, value, where, than, greater: false, confidence, minTrials, valueText, whereText, thanText);

    /// <summary>
    /// <paramref name="value"/> is the same at sweep points sharing the value of <paramref name="along"/> (e.g. lr/B): in every
    /// group of two or more points, (max − min) / |mean| of the seed-averaged values is at most <paramref name="relativeTolerance"/>.
    /// Inconclusive with fewer than <paramref name="minGroups"/> such groups.
    /// </summary>
    public Claim Invariant(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> along, double relativeTolerance = 0.05, int minGroups = 1,
        Func<TPoint, bool>? where = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(along))] string alongText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "") =>
        new InvarianceClaim<TPoint, TMetrics>(this, value, along, relativeTolerance, minGroups, valueText, alongText, where, whereText);

    /// <summary>
    /// <paramref name="value"/> is at least <paramref name="bound"/> on average over the finished trials (of the points selected
    /// by <paramref name="where"/>): the one-sided t-interval's lower bound (at <paramref name="confidence"/>) is above the bound.
    /// Inconclusive with fewer than <paramref name="minTrials"/> trials.
    /// </summary>
    public Claim AtLeast(Func<TrialResult<TPoint, TMetrics>, double> value, double bound, double confidence = 0.95, int minTrials = 2,
        Func<TPoint, bool>? where = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "") =>
        new BoundClaim<TPoint, TMetrics>(this, value, bound, atLeast: true, confidence, minTrials, where, valueText, whereText);

    /// <summary><paramref name="value"/> is at most <paramref name="bound"/> on average: the one-sided interval's upper bound is below it.</summary>
    public Claim AtMost(Func<TrialResult<TPoint, TMetrics>, double> value, double bound, double confidence = 0.95, int minTrials = 2,
        Func<TPoint, bool>? where = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "") =>
        new BoundClaim<TPoint, TMetrics>(this, value, bound, atLeast: false, confidence, minTrials, where, valueText, whereText);

    /// <summary>
    /// The location of the best value moves with a group key: within each group of sweep points sharing <paramref name="group"/>
    /// (e.g. width), find the <paramref name="at"/> (e.g. noise scale) where the seed-averaged <paramref name="value"/> is highest;
    /// Spearman ρ between the group key and that location is at least <paramref name="minRho"/> (or at most −minRho when
    /// <paramref name="increasing"/> is false). Inconclusive with fewer than <paramref name="minGroups"/> groups.
    /// </summary>
    public Claim OptimumMoves(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> at, Func<TPoint, double> group,
        bool increasing = true, double minRho = 0.5, int minGroups = 3,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(at))] string atText = "",
        [CallerArgumentExpression(nameof(group))] string groupText = "") =>
        new OptimumClaim<TPoint, TMetrics>(this, value, at, group, increasing, minRho, minGroups, valueText, atText, groupText);
}
