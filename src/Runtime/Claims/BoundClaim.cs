using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The grid average of a value (each sweep point's mean over its seeds, points weighted equally:
/// <see cref="StratifiedMean"/>) lies above (or below) a fixed bound, decided by <see cref="Decision"/>.
/// </summary>
internal sealed class BoundClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly double _bound;
    private readonly bool _atLeast;
    private readonly double _confidence;
    private readonly int _minSeeds;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _valueText;

    public BoundClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, double bound, bool atLeast,
        double confidence, int minSeeds, Regime<TPoint, TMetrics> regime, string valueText)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minSeeds < 2) throw new ArgumentOutOfRangeException(nameof(minSeeds), minSeeds, "A t-interval needs at least 2 seeds per sweep point: set minSeeds to 2 or more.");
        if (!double.IsFinite(bound)) throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be a finite number.");
        (_builder, _value, _bound, _atLeast, _confidence, _minSeeds, _regime) = (builder, value, bound, atLeast, confidence, minSeeds, regime);
        _valueText = ClaimText.Describe(valueText);
    }

    private Region Region => _atLeast ? Region.Above(_bound) : Region.Below(_bound);

    public override string Statement =>
        $"{_valueText} is {(_atLeast ? "above" : "below")} {ClaimText.Number(_bound)} on average over the sweep points{_regime.Statement}: " +
        $"the {ClaimText.Percent(_confidence)} interval of the mean of the points' seed means lies {Region.Describe(v => v)} (needs {_minSeeds} seeds per point)";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _regime.IncludesPoint(_builder.ToPoint(parameters));

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        var observations = values.Select(v => new Observation(v.Trial.PointKey, v.Trial.Parameters, null, v.Trial.Seed, 0, v.Value)).ToArray();
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var estimate = StratifiedMean.Estimate(observations, confidence, _minSeeds);
        var numbers = new Dictionary<string, double> { ["n"] = values.Count, ["points"] = estimate.Points.Count, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside };
        var skipped = estimate.Skipped.Count == 0 ? "" : $"; points left out: {string.Join("; ", estimate.Skipped)}";
        var groups = observations.GroupBy(o => o.PointKey).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var figure = new EvidenceFigure("sweep point", _valueText,
        [
            new EvidenceSeries("mean over seeds, 95% interval", groups.Select((g, i) => Figures.MeanWithInterval(g.Select(o => o.Value).ToArray()) is var (m, h) ? new EvidencePoint(i, m, h) : default).ToArray()),
            new EvidenceSeries("seeds", groups.SelectMany((g, i) => g.Select(o => new EvidencePoint(i, o.Value))).ToArray(), Faint: true),
        ])
        { XCategories = groups.Select(g => Strata.Key(g.First(), Strata.Axes(g))).ToArray(), ReferenceY = _bound };
        if (estimate.Effect is null)
            return Result(Verdict.Inconclusive, $"no sweep point has {_minSeeds} or more finished seeds with a value ({values.Count} trials){skipped}{tail}", numbers)
                with { Figure = figure };

        var outcome = Decision.Decide(estimate.Effect, Region, confidence, "mean", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["mean"] = estimate.Effect.Estimate;
        var points = string.Join("; ", estimate.Points.Select(p => $"{p.Label}: {ClaimText.Number(p.Mean)} ± {ClaimText.Number(Math.Sqrt(p.Variance))} se"));
        return Result(outcome.Verdict, $"{outcome.Text}; {estimate.Points.Count} point(s): {points}{skipped}{tail}", numbers) with { Figure = figure };
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
