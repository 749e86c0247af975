using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A value on one subset of sweep points (side A, <c>where</c>) against another (side B, <c>than</c>): the
/// difference A − B computed within the strata of the axes the sides do not differ in, paired by seed where
/// they share seeds, and combined (<see cref="StratifiedDifference"/>); decided against the region the
/// comparison kind states (<see cref="ComparisonKind"/>, <see cref="Decision"/>).
/// </summary>
internal sealed class ComparisonClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, bool> _where;
    private readonly Func<TPoint, bool> _than;
    private readonly ComparisonKind _kind;
    private readonly double _threshold;
    private readonly double _confidence;
    private readonly int _minSeeds;
    private readonly Func<TPoint, object>? _within;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _valueText;
    private readonly string _whereText;
    private readonly string _thanText;
    private readonly string? _withinText;

    public ComparisonClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where,
        Func<TPoint, bool> than, ComparisonKind kind, double threshold, double confidence, int minSeeds, Func<TPoint, object>? within,
        Regime<TPoint, TMetrics> regime, string valueText, string whereText, string thanText, string withinText)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minSeeds < 2) throw new ArgumentOutOfRangeException(nameof(minSeeds), minSeeds, "A t-interval needs at least 2 seeds on each side of a stratum: set minSeeds to 2 or more.");
        if (!(threshold >= 0) || double.IsInfinity(threshold))
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The smallest effect of interest or margin is a finite number ≥ 0 in the value's units.");
        if (kind == ComparisonKind.Equivalent && threshold == 0)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "An equivalence claim needs a margin > 0: no interval lies inside (0, 0).");
        (_builder, _value, _where, _than, _kind, _threshold, _confidence, _minSeeds, _within, _regime) =
            (builder, value, where, than, kind, threshold, confidence, minSeeds, within, regime);
        (_valueText, _whereText, _thanText) = (ClaimText.Describe(valueText), ClaimText.Describe(whereText), ClaimText.Describe(thanText));
        _withinText = within is null ? null : ClaimText.Describe(withinText);
    }

    private Region Region => _kind switch
    {
        ComparisonKind.Greater => Region.Above(_threshold),
        ComparisonKind.Less => Region.Below(-_threshold),
        ComparisonKind.Equivalent => new Region(-_threshold, _threshold),
        ComparisonKind.NotLower => Region.Above(-_threshold),
        _ => Region.Below(_threshold),
    };

    private string Relation => _kind switch
    {
        ComparisonKind.Greater => _threshold > 0 ? $"higher by more than {ClaimText.Number(_threshold)}" : "higher",
        ComparisonKind.Less => _threshold > 0 ? $"lower by more than {ClaimText.Number(_threshold)}" : "lower",
        ComparisonKind.Equivalent => $"the same within ±{ClaimText.Number(_threshold)}",
        ComparisonKind.NotLower => $"not lower by more than {ClaimText.Number(_threshold)}",
        _ => $"not higher by more than {ClaimText.Number(_threshold)}",
    };

    private string Test => _kind == ComparisonKind.Equivalent ? "two one-sided tests: the interval" : "the interval";

    public override string Statement =>
        $"{_valueText} is {Relation} where {_whereText} {(_kind == ComparisonKind.Equivalent ? "as" : "than")} where {_thanText}{_regime.Statement}: " +
        "the difference (first minus second) is taken " +
        (_withinText is null ? "within each level of the other sweep axes" : $"within each value of {_withinText}") +
        $" (paired by seed where both sides share seeds) and averaged; {Test} ({ClaimText.Percent(_confidence)}) lies {Region.Describe(v => v)}" +
        $" (needs {_minSeeds} seeds a side in a stratum)";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _builder.ToPoint(parameters) is var point && (_where(point) || _than(point)) && _regime.IncludesPoint(point);

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        Observation Observe((TrialResult<TPoint, TMetrics> Trial, double Value) v) =>
            new(v.Trial.PointKey, v.Trial.Parameters, _within is null ? null : $"{_withinText}={_within(v.Trial.Point)}", v.Trial.Seed, 0, v.Value);
        var a = values.Where(v => _where(v.Trial.Point)).Select(Observe).ToArray();
        var b = values.Where(v => _than(v.Trial.Point)).Select(Observe).ToArray();
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var estimate = StratifiedDifference.Estimate(a, b, confidence, _minSeeds);
        var numbers = new Dictionary<string, double>
        {
            ["nA"] = a.Length, ["nB"] = b.Length, ["strata"] = estimate.Strata.Count, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside,
        };
        var strata = string.Join("; ", estimate.Strata.Select(s =>
            $"{s.Label}: {ClaimText.Number(s.MeanA)} vs {ClaimText.Number(s.MeanB)}, difference {ClaimText.Number(s.Difference)}" +
            $" ± {ClaimText.Number(Math.Sqrt(s.Variance))} se ({(s.Paired ? $"{s.Seeds} seed pairs" : $"Welch, {s.Seeds}+ seeds a side")})"));
        var skipped = estimate.Skipped.Count == 0 ? "" : $"; strata left out: {string.Join("; ", estimate.Skipped)}";
        var by = _withinText ?? (estimate.StratifiedBy.Count == 0 ? "nothing (no other axis)" : string.Join(", ", estimate.StratifiedBy));
        var figure = Figure(a, b, estimate);
        if (estimate.Effect is null)
            return Result(Verdict.Inconclusive, $"no stratum has both sides with {_minSeeds} or more seeds (first side {a.Length} trial(s), second {b.Length}; stratified by {by}){skipped}{tail}", numbers)
                with { Figure = figure };

        var outcome = Decision.Decide(estimate.Effect, Region, confidence, "difference", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["difference"] = estimate.Effect.Estimate;
        var dof = double.IsFinite(estimate.Effect.DegreesOfFreedom) ? $"df {ClaimText.Number(estimate.Effect.DegreesOfFreedom)}" : "no spread";
        return Result(outcome.Verdict,
            $"{outcome.Text}; {estimate.Strata.Count} strat{(estimate.Strata.Count == 1 ? "um" : "a")} by {by} ({dof}): {strata}{skipped}{tail}", numbers) with { Figure = figure };
    }

    /// <summary>Per stratum, each side's seeds and their mean with its 95% interval, side by side.</summary>
    private EvidenceFigure Figure(Observation[] a, Observation[] b, StratifiedDifference.Result estimate)
    {
        var labels = a.Concat(b).Select(o => Strata.Key(o, estimate.StratifiedBy)).Distinct().Order(StringComparer.Ordinal).ToArray();
        EvidenceSeries[] Side(Observation[] side, double offset, string name)
        {
            var means = new List<EvidencePoint>();
            var seeds = new List<EvidencePoint>();
            for (var i = 0; i < labels.Length; i++)
            {
                var values = side.Where(o => Strata.Key(o, estimate.StratifiedBy) == labels[i]).Select(o => o.Value).ToArray();
                if (values.Length == 0) continue;
                var (mean, half) = Figures.MeanWithInterval(values);
                means.Add(new EvidencePoint(i + offset, mean, half));
                seeds.AddRange(values.Select(v => new EvidencePoint(i + offset, v)));
            }
            return [new EvidenceSeries($"{name}: mean, 95% interval", means), new EvidenceSeries($"{name}: seeds", seeds, Faint: true)];
        }
        return new EvidenceFigure("stratum", _valueText, [.. Side(a, -0.12, $"where {_whereText}"), .. Side(b, 0.12, $"where {_thanText}")]) { XCategories = labels };
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
