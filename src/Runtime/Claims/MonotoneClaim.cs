using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>A value of each trial rises (or falls) with a quantity of its sweep point: Spearman ρ against a threshold.</summary>
internal sealed class MonotoneClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _by;
    private readonly bool _increasing;
    private readonly double _minRho;
    private readonly int _minPoints;
    private readonly MonotoneOver _over;
    private readonly Func<TPoint, bool>? _where;
    private readonly string? _whereText;
    private readonly string _valueText;
    private readonly string _byText;

    public MonotoneClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> by,
        bool increasing, double minRho, int minPoints, MonotoneOver over, string valueText, string byText, Func<TPoint, bool>? where = null, string? whereText = null)
    {
        (_where, _whereText) = (where, where is null ? null : ClaimText.Describe(whereText ?? ""));
        if (!(minRho > 0 && minRho <= 1)) throw new ArgumentOutOfRangeException(nameof(minRho), minRho, "minRho is the size of Spearman's ρ the claim needs: a number in (0, 1], e.g. 0.5.");
        if (minPoints < 3) throw new ArgumentOutOfRangeException(nameof(minPoints), minPoints, "A rank correlation needs at least 3 observations: set minPoints to 3 or more.");
        (_builder, _value, _by, _increasing, _minRho, _minPoints, _over) = (builder, value, by, increasing, minRho, minPoints, over);
        _valueText = ClaimText.Describe(valueText);
        _byText = ClaimText.Describe(byText);
    }

    private string Unit => _over == MonotoneOver.SweepPoints ? "sweep points" : "trials";

    public override string Statement =>
        $"{_valueText} {(_increasing ? "increases" : "decreases")} with {_byText}: Spearman ρ {(_increasing ? "≥ " : "≤ −")}{ClaimText.Number(_minRho)} " +
        $"over the {(_over == MonotoneOver.SweepPoints ? "sweep points, seeds averaged" : "finished trials")}{Scope} (needs at least {_minPoints} {Unit})";

    private string Scope => _whereText is null ? "" : $" where {_whereText}";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = set.Values(_value, out var withoutValue).Where(v => _where is null || _where(v.Trial.Point)).ToList();
        var observations = _over == MonotoneOver.SweepPoints
            ? values.GroupBy(v => v.Trial.PointKey)
                .Select(g => (X: _by(g.First().Trial.Point), Y: g.Average(v => v.Value))).ToList()
            : values.Select(v => (X: _by(v.Trial.Point), Y: v.Value)).ToList();
        observations = observations.Where(o => double.IsFinite(o.X)).ToList();
        var leftOut = ClaimText.LeftOut(set.Excluded, withoutValue);
        var numbers = new Dictionary<string, double> { ["n"] = observations.Count, ["trials"] = values.Count, ["excluded"] = set.ExcludedCount + withoutValue };

        if (observations.Count < _minPoints)
            return Result(Verdict.Inconclusive, $"only {observations.Count} {Unit} with a finished trial, {_minPoints} needed{leftOut}", numbers);
        if (observations.Select(o => o.X).Distinct().Count() < 2)
            return Result(Verdict.Inconclusive, $"{_byText} takes a single value over the {observations.Count} {Unit}, so nothing can rise or fall with it{leftOut}", numbers);

        var rho = Statistics.Spearman(observations.Select(o => o.X).ToArray(), observations.Select(o => o.Y).ToArray());
        var scope = _over == MonotoneOver.SweepPoints ? $"{observations.Count} sweep points (seeds averaged, {values.Count} trials)" : $"{observations.Count} trials";
        if (double.IsNaN(rho))
            return Result(Verdict.Fails, $"{_valueText} is the same at all {scope}, so it does not {(_increasing ? "rise" : "fall")}{leftOut}", numbers);
        numbers["rho"] = rho;
        var holds = _increasing ? rho >= _minRho : rho <= -_minRho;
        return Result(holds ? Verdict.Holds : Verdict.Fails,
            $"ρ = {ClaimText.Number(rho)} over {scope}; needs ρ {(_increasing ? "≥ " : "≤ −")}{ClaimText.Number(_minRho)}{leftOut}", numbers);
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
