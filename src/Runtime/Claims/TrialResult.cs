using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>
/// One finished trial as a claim sees it: its typed sweep point, its seed and its typed metric rows
/// in step order. Only trials that finished (status done) become a <see cref="TrialResult{TPoint, TMetrics}"/>;
/// diverged, failed and unfinished trials are left out of every statistic and counted in the evidence.
/// </summary>
public sealed class TrialResult<TPoint, TMetrics>
    where TMetrics : IMetricRow
{
    /// <summary>Creates the result of one finished trial (the runtime does, from the store).</summary>
    public TrialResult(string id, TPoint point, int seed, IReadOnlyList<TMetrics> rows)
    {
        Id = id;
        Point = point;
        Seed = seed;
        Rows = rows;
    }

    /// <summary>The trial's content hash, as stored.</summary>
    public string Id { get; }

    /// <summary>The trial's typed sweep point: the experiment record with this trial's axis values.</summary>
    public TPoint Point { get; }

    /// <summary>The trial's seed, as stored and shown in the evidence.</summary>
    public int Seed { get; }

    /// <summary>The trial's sweep parameters and seed in words, for evidence ("LearningRate=0.1, BatchSize=32, seed 1").</summary>
    public string Description { get; init; } = "";

    /// <summary>Identifies the sweep point (its parameters), so seeds of one point can be averaged.</summary>
    internal string PointKey { get; init; } = "";

    /// <summary>The sweep parameters by axis name, as stored: what strata are built from.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];

    /// <summary>
    /// The updates (optimizer steps) the trial trained: its budget's, or, under a target budget (<c>[TrainUntil]</c>), those it
    /// needed to reach its target when <see cref="ReachedTarget"/> (updates-to-target: <c>r =&gt; r.StepsTrained</c>).
    /// </summary>
    public long StepsTrained { get; init; }

    /// <summary>
    /// The epochs the trial trained (begun: a budget in steps may end one part-way); under a target budget, the epoch at whose
    /// end it reached its target, or the cap. 0 for trials stored before the store kept it (schema version 4).
    /// </summary>
    public int EpochsTrained { get; init; }

    /// <summary>
    /// Under a target budget (<c>[TrainUntil]</c>): true when the trial reached its target (it stopped at the end of epoch
    /// <see cref="EpochsTrained"/>, after <see cref="StepsTrained"/> updates, and its final values are those at the stop);
    /// false when it trained to the cap without reaching it, and for experiments without a target. Restrict a claim to the
    /// trials that reached it with <c>when: r =&gt; r.ReachedTarget</c>.
    /// </summary>
    public bool ReachedTarget { get; init; }

    /// <summary>The trial's metric rows, in step order.</summary>
    public IReadOnlyList<TMetrics> Rows { get; }

    /// <summary>The last sampled value of a metric; NaN when it was never sampled (the trial is then left out and counted).</summary>
    public double Final(Func<TMetrics, double?> metric)
    {
        for (var i = Rows.Count - 1; i >= 0; i--)
            if (metric(Rows[i]) is { } v) return v;
        return double.NaN;
    }

    /// <summary>The first sampled value of a metric; NaN when it was never sampled.</summary>
    public double Initial(Func<TMetrics, double?> metric)
    {
        foreach (var row in Rows)
            if (metric(row) is { } v) return v;
        return double.NaN;
    }

    /// <summary>The largest sampled value of a metric; NaN when it was never sampled.</summary>
    public double Peak(Func<TMetrics, double?> metric) => Extreme(metric, Math.Max);

    /// <summary>The smallest sampled value of a metric; NaN when it was never sampled.</summary>
    public double Lowest(Func<TMetrics, double?> metric) => Extreme(metric, Math.Min);

    /// <summary>The step at which a metric reached its peak; NaN when it was never sampled.</summary>
    public double StepOfPeak(Func<TMetrics, double?> metric)
    {
        var best = double.NaN;
        long step = 0;
        foreach (var row in Rows)
            if (metric(row) is { } v && (double.IsNaN(best) || v > best)) (best, step) = (v, row.Step);
        return double.IsNaN(best) ? double.NaN : step;
    }

    /// <summary>The step of a metric's last sample (for "peaked before the end" regimes); NaN when it was never sampled.</summary>
    public double LastStep(Func<TMetrics, double?> metric)
    {
        for (var i = Rows.Count - 1; i >= 0; i--)
            if (metric(Rows[i]) is not null) return Rows[i].Step;
        return double.NaN;
    }

    /// <summary>The mean of a metric's samples over the trial; NaN when it was never sampled.</summary>
    public double Mean(Func<TMetrics, double?> metric)
    {
        var values = Series(metric);
        return values.Count == 0 ? double.NaN : values.Average(v => v.Value);
    }

    /// <summary>The fraction of a metric's samples that satisfy <paramref name="condition"/>; NaN when it was never sampled.</summary>
    public double Fraction(Func<TMetrics, double?> metric, Func<double, bool> condition)
    {
        var values = Series(metric);
        return values.Count == 0 ? double.NaN : (double)values.Count(v => condition(v.Value)) / values.Count;
    }

    /// <summary>
    /// The value of <paramref name="metric"/> at the point where <paramref name="reference"/> first reaches <paramref name="level"/>,
    /// linearly interpolated between the two rows (sampling both) on either side of the crossing: compares trials at exactly the
    /// same progress (e.g. flipped-label accuracy where the training accuracy crosses 0.85) rather than at the first sample past
    /// it, whose overshoot differs between trials that move at different speeds. The crossing is upward when the reference starts
    /// below the level, downward when it starts above; a first sample already at the level gives that sample's value. NaN when
    /// the reference never reaches the level (the trial is then left out and counted).
    /// </summary>
    public double AtCrossing(Func<TMetrics, double?> metric, Func<TMetrics, double?> reference, double level)
    {
        var points = new List<(double Reference, double Value)>();
        foreach (var row in Rows)
            if (reference(row) is { } x && metric(row) is { } y && double.IsFinite(x) && double.IsFinite(y)) points.Add((x, y));
        if (points.Count == 0) return double.NaN;
        if (points[0].Reference == level) return points[0].Value;
        var upward = points[0].Reference < level;
        for (var i = 1; i < points.Count; i++)
        {
            var (x1, y1) = points[i];
            if (upward ? x1 < level : x1 > level) continue;
            var (x0, y0) = points[i - 1];
            return x1 == x0 ? y1 : y0 + (level - x0) / (x1 - x0) * (y1 - y0);
        }
        return double.NaN;
    }

    /// <summary>The sampled values of a metric with their steps, in step order.</summary>
    public IReadOnlyList<(long Step, double Value)> Series(Func<TMetrics, double?> metric)
    {
        var series = new List<(long, double)>();
        foreach (var row in Rows)
            if (metric(row) is { } v) series.Add((row.Step, v));
        return series;
    }

    private double Extreme(Func<TMetrics, double?> metric, Func<double, double, double> pick)
    {
        var result = double.NaN;
        foreach (var row in Rows)
            if (metric(row) is { } v) result = double.IsNaN(result) ? v : pick(result, v);
        return result;
    }
}
