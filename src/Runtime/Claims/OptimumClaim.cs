using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Where a value peaks moves with a group key (e.g. the optimal noise scale grows with width): per
/// group, the location of the best seed-averaged value; Spearman ρ between key and location.
/// </summary>
internal sealed class OptimumClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _at;
    private readonly Func<TPoint, double> _group;
    private readonly bool _increasing;
    private readonly double _minRho;
    private readonly int _minGroups;
    private readonly string _valueText;
    private readonly string _atText;
    private readonly string _groupText;

    public OptimumClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> at,
        Func<TPoint, double> group, bool increasing, double minRho, int minGroups, string valueText, string atText, string groupText)
    {
        if (!(minRho > 0 && minRho <= 1)) throw new ArgumentOutOfRangeException(nameof(minRho), minRho, "minRho is the size of Spearman's ρ the claim needs: a number in (0, 1].");
        if (minGroups < 3) throw new ArgumentOutOfRangeException(nameof(minGroups), minGroups, "A rank correlation needs at least 3 groups: set minGroups to 3 or more.");
        (_builder, _value, _at, _group, _increasing, _minRho, _minGroups) = (builder, value, at, group, increasing, minRho, minGroups);
        (_valueText, _atText, _groupText) = (ClaimText.Describe(valueText), ClaimText.Describe(atText), ClaimText.Describe(groupText));
    }

    public override string Statement =>
        $"the {_atText} at which {_valueText} is highest {(_increasing ? "grows" : "shrinks")} with {_groupText}: Spearman ρ {(_increasing ? "≥ " : "≤ −")}{ClaimText.Number(_minRho)} " +
        $"between {_groupText} and the best {_atText} of its sweep points, seeds averaged (needs at least {_minGroups} groups)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = set.Values(_value, out var withoutValue);
        var leftOut = ClaimText.LeftOut(set.Excluded, withoutValue);
        var optima = values
            .GroupBy(v => v.Trial.PointKey)
            .Select(g => (Group: _group(g.First().Trial.Point), At: _at(g.First().Trial.Point), Value: g.Average(v => v.Value)))
            .GroupBy(p => p.Group)
            .Where(g => g.Select(p => p.At).Distinct().Count() >= 2)
            .Select(g => (Group: g.Key, Best: g.OrderByDescending(p => p.Value).First()))
            .OrderBy(g => g.Group)
            .ToList();
        var numbers = new Dictionary<string, double> { ["groups"] = optima.Count, ["excluded"] = set.ExcludedCount + withoutValue };
        var table = string.Join("; ", optima.Select(o => $"{_groupText} {ClaimText.Number(o.Group)}: best at {ClaimText.Number(o.Best.At)} ({ClaimText.Number(o.Best.Value)})"));
        if (optima.Count < _minGroups)
            return Result(Verdict.Inconclusive, $"only {optima.Count} group(s) with two or more values of {_atText}, {_minGroups} needed{(table.Length > 0 ? "; " + table : "")}{leftOut}", numbers);

        var rho = Statistics.Spearman(optima.Select(o => o.Group).ToArray(), optima.Select(o => o.Best.At).ToArray());
        if (double.IsNaN(rho))
            return Result(Verdict.Fails, $"the best {_atText} is the same in every group: {table}{leftOut}", numbers);
        numbers["rho"] = rho;
        var holds = _increasing ? rho >= _minRho : rho <= -_minRho;
        return Result(holds ? Verdict.Holds : Verdict.Fails, $"{table}; ρ = {ClaimText.Number(rho)}, needs {(_increasing ? "≥ " : "≤ −")}{ClaimText.Number(_minRho)}{leftOut}", numbers);
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
