using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A metric's series within each finished trial is linear in a transform of the step (e.g. ln t): the
/// least-squares R² of each trial, averaged over the sweep points (<see cref="StratifiedMean"/>), lies above
/// minR2 by <see cref="Decision"/>.
/// </summary>
internal sealed class SeriesFitClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TMetrics, double?> _metric;
    private readonly Func<long, double> _x;
    private readonly string _xText;
    private readonly double _minR2;
    private readonly double _confidence;
    private readonly int _minSeeds;
    private readonly int _minSamples;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _metricText;

    public SeriesFitClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TMetrics, double?> metric, Func<long, double> x, string xText,
        double minR2, double confidence, int minSeeds, int minSamples, Regime<TPoint, TMetrics> regime, string metricText)
    {
        if (!(minR2 > 0 && minR2 < 1)) throw new ArgumentOutOfRangeException(nameof(minR2), minR2, "minR2 is the coefficient of determination the fits need on average: a number in (0, 1), e.g. 0.9.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minSeeds < 2) throw new ArgumentOutOfRangeException(nameof(minSeeds), minSeeds, "A t-interval needs at least 2 seeds per sweep point: set minSeeds to 2 or more.");
        if (minSamples < 3) throw new ArgumentOutOfRangeException(nameof(minSamples), minSamples, "A line through fewer than 3 samples always fits: set minSamples to 3 or more.");
        (_builder, _metric, _x, _xText, _minR2, _confidence, _minSeeds, _minSamples, _regime) = (builder, metric, x, xText, minR2, confidence, minSeeds, minSamples, regime);
        _metricText = ClaimText.Describe(metricText);
    }

    public override string Statement =>
        $"{_metricText} is linear in {_xText} within each finished trial{_regime.Statement}: the least-squares R² (samples at step ≥ 1, at least {_minSamples}), " +
        $"averaged over the sweep points, has its {ClaimText.Percent(_confidence)} interval above {ClaimText.Number(_minR2)} (needs {_minSeeds} seeds per point)";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _regime.IncludesPoint(_builder.ToPoint(parameters));

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var fits = new List<(TrialResult<TPoint, TMetrics> Trial, double Value)>();
        var tooShort = 0;
        foreach (var trial in set.Finished)
        {
            var series = trial.Series(_metric).Where(s => s.Step >= 1 && double.IsFinite(s.Value)).ToArray();
            if (series.Length < _minSamples) { tooShort++; continue; }
            var r2 = Statistics.LinearFit(series.Select(s => _x(s.Step)).ToArray(), series.Select(s => s.Value).ToArray()).R2;
            fits.Add((trial, double.IsNaN(r2) ? 0 : r2));
        }
        var inside = _regime.Select(fits, out var outside);
        var tail = _regime.Counts(inside.Count, outside) + ClaimText.LeftOut(set.Excluded, tooShort, $"with fewer than {_minSamples} samples");
        var estimate = StratifiedMean.Estimate(inside.Select(v => new Observation(v.Trial.PointKey, v.Trial.Parameters, null, v.Trial.Seed, 0, v.Value)).ToArray(),
            confidence, _minSeeds);
        var numbers = new Dictionary<string, double> { ["n"] = inside.Count, ["excluded"] = set.ExcludedCount + tooShort, ["outside"] = outside };
        if (inside.Count > 0)
        {
            numbers["minR2"] = inside.Min(v => v.Value);
            numbers["passing"] = inside.Count(v => v.Value >= _minR2);
        }
        var skipped = estimate.Skipped.Count == 0 ? "" : $"; points left out: {string.Join("; ", estimate.Skipped)}";
        var figure = new EvidenceFigure(_xText, _metricText, inside.Select(v => new EvidenceSeries($"{v.Trial.Description} (R² {ClaimText.Number(v.Value)})",
            v.Trial.Series(_metric).Where(s => s.Step >= 1 && double.IsFinite(s.Value)).Select(s => new EvidencePoint(_x(s.Step), s.Value)).ToArray(), Joined: true)).ToArray());
        if (estimate.Effect is null)
            return Result(Verdict.Inconclusive, $"no sweep point has {_minSeeds} or more trials to fit ({inside.Count} fitted){skipped}{tail}", numbers)
                with { Figure = figure };

        var outcome = Decision.Decide(estimate.Effect, Region.Above(_minR2), confidence, "mean R²", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["meanR2"] = estimate.Effect.Estimate;
        var worst = inside.MinBy(v => v.Value);
        return Result(outcome.Verdict,
            $"{outcome.Text}; R² ≥ {ClaimText.Number(_minR2)} in {numbers["passing"]} of {inside.Count} trials, lowest {ClaimText.Number(worst.Value)} ({worst.Trial.Description}){skipped}{tail}", numbers) with { Figure = figure };
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
