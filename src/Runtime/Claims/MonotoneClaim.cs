using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A value of each trial rises (or falls) with a quantity of its sweep point: Spearman's ρ within the
/// strata of the axes the quantity does not depend on, combined on Fisher's z scale (<see cref="StratifiedSpearman"/>)
/// and decided against ρ &gt; minRho (or ρ &lt; −minRho) by <see cref="Decision"/>.
/// </summary>
internal sealed class MonotoneClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _by;
    private readonly bool _increasing;
    private readonly double _minRho;
    private readonly double _confidence;
    private readonly Func<TPoint, object>? _within;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _valueText;
    private readonly string _byText;
    private readonly string? _withinText;

    public MonotoneClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by,
        bool increasing, double minRho, double confidence, Func<TPoint, object>? within, Regime<TPoint, TMetrics> regime,
        string valueText, string byText, string withinText)
    {
        if (!(minRho >= 0 && minRho < 1)) throw new ArgumentOutOfRangeException(nameof(minRho), minRho, "minRho is the smallest |ρ| of interest: a number in [0, 1), 0 to claim the direction only.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        (_builder, _value, _by, _increasing, _minRho, _confidence, _within, _regime) = (builder, value, by, increasing, minRho, confidence, within, regime);
        (_valueText, _byText) = (ClaimText.Describe(valueText), ClaimText.Describe(byText));
        _withinText = within is null ? null : ClaimText.Describe(withinText);
    }

    private Region Region => _increasing ? Region.Above(Math.Atanh(_minRho)) : Region.Below(-Math.Atanh(_minRho));

    public override string Statement =>
        $"{_valueText} {(_increasing ? "increases" : "decreases")} with {_byText}{_regime.Statement}: Spearman ρ over the finished trials, " +
        (_withinText is null ? "within each level of the sweep axes it does not depend on" : $"within each value of {_withinText}") +
        $", combined on Fisher's z scale; the {ClaimText.Percent(_confidence)} interval lies {Region.Describe(Math.Tanh)}";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _regime.IncludesPoint(_builder.ToPoint(parameters));

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        var observations = values
            .Select(v => new Observation(v.Trial.PointKey, v.Trial.Parameters, _within is null ? null : $"{_withinText}={_within(v.Trial.Point)}", v.Trial.Seed, _by(v.Trial.Point), v.Value))
            .Where(o => double.IsFinite(o.X)).ToArray();
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var estimate = StratifiedSpearman.Estimate(observations, confidence, _within is not null);
        var numbers = new Dictionary<string, double>
        {
            ["trials"] = observations.Length, ["strata"] = estimate.Strata.Count, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside,
        };
        var skipped = estimate.Skipped.Count == 0 ? "" : $"; strata left out: {string.Join("; ", estimate.Skipped)}";
        var by = _withinText ?? (estimate.StratifiedBy.Count == 0 ? "nothing (every axis moves " + _byText + ")" : string.Join(", ", estimate.StratifiedBy));
        var axes = _within is null ? estimate.StratifiedBy : [];
        var figure = new EvidenceFigure(_byText, _valueText, observations.GroupBy(o => Strata.Key(o, axes)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new EvidenceSeries(g.Key, g.Select(o => new EvidencePoint(o.X, o.Value)).ToArray())).ToArray())
        { LogX = Figures.SpansDecades(observations.Select(o => o.X)) };
        if (estimate.Effect is null)
            return Result(Verdict.Inconclusive,
                $"no stratum has {StratifiedSpearman.MinTrials} finished trials at two or more values of {_byText} ({observations.Length} trials; stratified by {by}){skipped}{tail}", numbers)
                with { Figure = figure };

        var outcome = Decision.Decide(estimate.Effect, Region, confidence, "ρ", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["rho"] = Math.Tanh(estimate.Effect.Estimate);
        var strata = string.Join("; ", estimate.Strata.Select(s => $"{s.Label}: ρ {ClaimText.Number(s.Rho)} over {s.Trials} trials"));
        return Result(outcome.Verdict, $"{outcome.Text}; {estimate.Strata.Count} strat{(estimate.Strata.Count == 1 ? "um" : "a")} by {by}: {strata}{skipped}{tail}", numbers) with { Figure = figure };
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
