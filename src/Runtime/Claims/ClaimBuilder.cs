using System.Runtime.CompilerServices;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Builds the claims of one experiment over its typed sweep points and metric rows. The generator
/// gives each experiment record a private static <c>Expect</c> of this type, so a claim reads
/// <c>Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize)</c>.
/// The C# of each argument is captured (CallerArgumentExpression) to state the claim in words.
/// Only trials that finished are used; diverged, failed and unfinished trials are counted in the evidence.
/// Every claim builds an interval of its effect and is decided by one rule (docs/claims.md): it holds when
/// the interval lies inside the claimed region, fails when it lies entirely outside, and is inconclusive
/// otherwise, with the minimum detectable effect and the seeds that would decide it. Every claim takes a
/// regime: <c>where</c> (sweep points by parameters; for comparisons the two sides) and <c>when</c> (trials by
/// a condition on their own results); trials outside it are counted in the evidence.
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
    /// <paramref name="value"/> rises with <paramref name="by"/>: Spearman ρ over the finished trials (each seed an observation),
    /// computed within each level of the sweep axes <paramref name="by"/> does not depend on (or within each value of
    /// <paramref name="within"/>; a constant key pools the whole sweep on purpose) and combined on Fisher's z scale.
    /// Holds when the <paramref name="confidence"/> interval of ρ lies above <paramref name="minRho"/> (0: the direction only),
    /// fails when it lies below it. A stratum needs 4 trials at 2 or more values of <paramref name="by"/>.
    /// </summary>
    public Claim Increasing(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by, double minRho = 0, double confidence = 0.95,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null, Func<TPoint, object>? within = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(by))] string byText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerArgumentExpression(nameof(when))] string whenText = "",
        [CallerArgumentExpression(nameof(within))] string withinText = "") =>
        new MonotoneClaim<TPoint, TMetrics>(this, value, by, increasing: true, minRho, confidence, within, new(where, whereText, when, whenText), valueText, byText, withinText);

    /// <summary><paramref name="value"/> falls as <paramref name="by"/> grows: the interval of ρ lies below −<paramref name="minRho"/>; see <see cref="Increasing"/>.</summary>
    public Claim Decreasing(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by, double minRho = 0, double confidence = 0.95,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null, Func<TPoint, object>? within = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(by))] string byText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerArgumentExpression(nameof(when))] string whenText = "",
        [CallerArgumentExpression(nameof(within))] string withinText = "") =>
        new MonotoneClaim<TPoint, TMetrics>(this, value, by, increasing: false, minRho, confidence, within, new(where, whereText, when, whenText), valueText, byText, withinText);

    /// <summary>
    /// Within each finished trial, <paramref name="metric"/> is linear in ln(step) (samples at step ≥ 1, at least
    /// <paramref name="minSamples"/>): the least-squares R² averaged over the sweep points (each point's seeds averaged,
    /// at least <paramref name="minSeeds"/>) has its <paramref name="confidence"/> interval above <paramref name="minR2"/>.
    /// </summary>
    public Claim LinearInLogStep(Func<TMetrics, double?> metric, double minR2 = 0.9, double confidence = 0.95, int minSeeds = 2, int minSamples = 4,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(metric))] string metricText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new SeriesFitClaim<TPoint, TMetrics>(this, metric, step => Math.Log(step), "ln(step)", minR2, confidence, minSeeds, minSamples, new(where, whereText, when, whenText), metricText);

    /// <summary>Within each finished trial, <paramref name="metric"/> is linear in the step itself; see <see cref="LinearInLogStep"/>.</summary>
    public Claim LinearInStep(Func<TMetrics, double?> metric, double minR2 = 0.9, double confidence = 0.95, int minSeeds = 2, int minSamples = 4,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(metric))] string metricText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new SeriesFitClaim<TPoint, TMetrics>(this, metric, step => step, "step", minR2, confidence, minSeeds, minSamples, new(where, whereText, when, whenText), metricText);

    /// <summary>
    /// <paramref name="value"/> is higher on the points selected by <paramref name="where"/> (side A) than on those selected by
    /// <paramref name="than"/> (side B) by more than <paramref name="minEffect"/> (the smallest effect of interest, in the value's
    /// units; 0 claims the direction only). The difference A − B is taken within each level of the sweep axes the two sides share
    /// (or within each value of <paramref name="within"/>), paired by seed where a stratum's two points share seeds, else by Welch,
    /// and averaged over the strata with equal weights (Satterthwaite degrees of freedom). Holds when its <paramref name="confidence"/>
    /// interval lies above <paramref name="minEffect"/>, fails when it lies below. A stratum needs <paramref name="minSeeds"/> seeds a side.
    /// </summary>
    public Claim Greater(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than, double minEffect = 0,
        double confidence = 0.95, int minSeeds = 2, Func<TPoint, object>? within = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "", [CallerArgumentExpression(nameof(within))] string withinText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        Compare(value, where, than, ComparisonKind.Greater, minEffect, confidence, minSeeds, within, when, valueText, whereText, thanText, withinText, whenText);

    /// <summary><paramref name="value"/> is lower where <paramref name="where"/> than where <paramref name="than"/> by more than <paramref name="minEffect"/>: the interval lies below −minEffect; see <see cref="Greater"/>.</summary>
    public Claim Less(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than, double minEffect = 0,
        double confidence = 0.95, int minSeeds = 2, Func<TPoint, object>? within = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "", [CallerArgumentExpression(nameof(within))] string withinText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        Compare(value, where, than, ComparisonKind.Less, minEffect, confidence, minSeeds, within, when, valueText, whereText, thanText, withinText, whenText);

    /// <summary>
    /// Equivalence: <paramref name="value"/> is the same where <paramref name="where"/> and where <paramref name="than"/> within
    /// ±<paramref name="margin"/> (in the value's units): two one-sided tests, i.e. the interval of the stratified difference (see
    /// <see cref="Greater"/>) lies inside (−margin, margin). Fails when it lies entirely outside; an interval containing 0 but
    /// reaching past the margin is inconclusive, never evidence of no effect.
    /// </summary>
    public Claim Equivalent(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than, double margin,
        double confidence = 0.95, int minSeeds = 2, Func<TPoint, object>? within = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "", [CallerArgumentExpression(nameof(within))] string withinText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        Compare(value, where, than, ComparisonKind.Equivalent, margin, confidence, minSeeds, within, when, valueText, whereText, thanText, withinText, whenText);

    /// <summary>
    /// Non-inferiority where higher is better: <paramref name="value"/> where <paramref name="where"/> is not lower than where
    /// <paramref name="than"/> by more than <paramref name="margin"/>: the interval of the stratified difference lies above −margin
    /// ("at least as good"); see <see cref="Greater"/>.
    /// </summary>
    public Claim NotLower(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than, double margin,
        double confidence = 0.95, int minSeeds = 2, Func<TPoint, object>? within = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "", [CallerArgumentExpression(nameof(within))] string withinText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        Compare(value, where, than, ComparisonKind.NotLower, margin, confidence, minSeeds, within, when, valueText, whereText, thanText, withinText, whenText);

    /// <summary>Non-inferiority where lower is better (a loss): the interval of the difference lies below +<paramref name="margin"/>; see <see cref="NotLower"/>.</summary>
    public Claim NotHigher(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than, double margin,
        double confidence = 0.95, int minSeeds = 2, Func<TPoint, object>? within = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(than))] string thanText = "", [CallerArgumentExpression(nameof(within))] string withinText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        Compare(value, where, than, ComparisonKind.NotHigher, margin, confidence, minSeeds, within, when, valueText, whereText, thanText, withinText, whenText);

    private ComparisonClaim<TPoint, TMetrics> Compare(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where, Func<TPoint, bool> than,
        ComparisonKind kind, double threshold, double confidence, int minSeeds, Func<TPoint, object>? within, Func<TrialResult<TPoint, TMetrics>, bool>? when,
        string valueText, string whereText, string thanText, string withinText, string whenText) =>
        new(this, value, where, than, kind, threshold, confidence, minSeeds, within, new(null, null, when, whenText), valueText, whereText, thanText, withinText);

    /// <summary>
    /// <paramref name="value"/> depends on the sweep only through <paramref name="along"/> (e.g. lr/B): with the seed-averaged values
    /// grouped into lines of equal <paramref name="along"/>, the mean square along the lines over the mean square across them
    /// (an F ratio) has its <paramref name="confidence"/> interval below <paramref name="maxRatio"/>; it fails when the interval lies
    /// above. Needs two or more lines and one with two or more points; a grid whose values hardly vary cannot pass.
    /// </summary>
    public Claim Invariant(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> along, double maxRatio = 0.25, double confidence = 0.95,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(along))] string alongText = "",
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new InvarianceClaim<TPoint, TMetrics>(this, value, along, maxRatio, confidence, new(where, whereText, when, whenText), valueText, alongText);

    /// <summary>
    /// <paramref name="value"/> is above <paramref name="bound"/> on average over the sweep points (each point's seeds averaged,
    /// points weighted equally): the <paramref name="confidence"/> interval of that mean lies above the bound; fails when it lies
    /// below. Needs <paramref name="minSeeds"/> seeds per point.
    /// </summary>
    public Claim AtLeast(Func<TrialResult<TPoint, TMetrics>, double> value, double bound, double confidence = 0.95, int minSeeds = 2,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new BoundClaim<TPoint, TMetrics>(this, value, bound, atLeast: true, confidence, minSeeds, new(where, whereText, when, whenText), valueText);

    /// <summary><paramref name="value"/> is below <paramref name="bound"/> on average: the interval lies below it; see <see cref="AtLeast"/>.</summary>
    public Claim AtMost(Func<TrialResult<TPoint, TMetrics>, double> value, double bound, double confidence = 0.95, int minSeeds = 2,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new BoundClaim<TPoint, TMetrics>(this, value, bound, atLeast: false, confidence, minSeeds, new(where, whereText, when, whenText), valueText);

    /// <summary>
    /// The location of the best value moves with a group key: within each group of sweep points sharing <paramref name="group"/>
    /// (e.g. width), the <paramref name="at"/> (e.g. noise scale) where each seed's <paramref name="value"/> is highest;
    /// Spearman ρ between the group key and that location per seed, with the exact signed-rank interval over seeds at
    /// <paramref name="confidence"/>, lies above <paramref name="minRho"/> (below −minRho when <paramref name="increasing"/> is false).
    /// Needs <paramref name="minGroups"/> groups, and 6 seeds at 95% before the interval can exclude anything.
    /// </summary>
    public Claim OptimumMoves(Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> at, Func<TPoint, double> group,
        bool increasing = true, double minRho = 0, double confidence = 0.95, int minGroups = 3,
        Func<TPoint, bool>? where = null, Func<TrialResult<TPoint, TMetrics>, bool>? when = null,
        [CallerArgumentExpression(nameof(value))] string valueText = "", [CallerArgumentExpression(nameof(at))] string atText = "",
        [CallerArgumentExpression(nameof(group))] string groupText = "", [CallerArgumentExpression(nameof(where))] string whereText = "",
        [CallerArgumentExpression(nameof(when))] string whenText = "") =>
        new OptimumClaim<TPoint, TMetrics>(this, value, at, group, increasing, minRho, confidence, minGroups, new(where, whereText, when, whenText), valueText, atText, groupText);
}
