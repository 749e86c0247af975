using System.Globalization;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A value is the same, within a relative tolerance, across sweep points that share a derived key
/// (e.g. lr/B): for each group of two or more points, (max − min) / |mean| of the seed-averaged values.
/// </summary>
internal sealed class InvarianceClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _along;
    private readonly double _tolerance;
    private readonly int _minGroups;
    private readonly Func<TPoint, bool>? _where;
    private readonly string? _whereText;
    private readonly string _valueText;
    private readonly string _alongText;

    public InvarianceClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> along,
        double relativeTolerance, int minGroups, string valueText, string alongText, Func<TPoint, bool>? where = null, string? whereText = null)
    {
        (_where, _whereText) = (where, where is null ? null : ClaimText.Describe(whereText ?? ""));
        if (!(relativeTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(relativeTolerance), relativeTolerance, "relativeTolerance is the largest (max − min) / |mean| allowed in a group: a positive number, e.g. 0.05.");
        if (minGroups < 1) throw new ArgumentOutOfRangeException(nameof(minGroups), minGroups, "minGroups must be at least 1.");
        (_builder, _value, _along, _tolerance, _minGroups) = (builder, value, along, relativeTolerance, minGroups);
        (_valueText, _alongText) = (ClaimText.Describe(valueText), ClaimText.Describe(alongText));
    }

    public override string Statement =>
        $"{_valueText} is the same at sweep points with equal {_alongText}{(_whereText is null ? "" : $" where {_whereText}")}: in each group, (max − min) / |mean| of the seed-averaged values ≤ {ClaimText.Percent(_tolerance)} " +
        $"(needs at least {_minGroups} group(s) of two or more points with a finished trial)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = set.Values(_value, out var withoutValue).Where(v => _where is null || _where(v.Trial.Point)).ToList();
        var points = values.GroupBy(v => v.Trial.PointKey)
            .Select(g => (Key: RoundKey(_along(g.First().Trial.Point)), Mean: g.Average(v => v.Value)))
            .Where(p => double.IsFinite(p.Key));
        var groups = points.GroupBy(p => p.Key).Where(g => g.Count() >= 2).OrderBy(g => g.Key)
            .Select(g =>
            {
                var means = g.Select(p => p.Mean).ToArray();
                var center = Math.Abs(means.Average());
                var spread = center == 0 ? (means.Max() == means.Min() ? 0 : double.PositiveInfinity) : (means.Max() - means.Min()) / center;
                return (Key: g.Key, Means: means, Spread: spread);
            }).ToArray();
        var leftOut = ClaimText.LeftOut(set.Excluded, withoutValue);
        var numbers = new Dictionary<string, double> { ["groups"] = groups.Length, ["trials"] = values.Count, ["excluded"] = set.ExcludedCount + withoutValue };
        if (groups.Length < _minGroups)
            return Result(Verdict.Inconclusive, $"{groups.Length} group(s) of two or more sweep points with equal {_alongText} and a finished trial, {_minGroups} needed{leftOut}", numbers);

        var worst = groups.MaxBy(g => g.Spread);
        numbers["maxSpread"] = worst.Spread;
        var detail = string.Join("; ", groups.Select(g =>
            $"{_alongText} = {ClaimText.Number(g.Key)}: {string.Join(", ", g.Means.Select(ClaimText.Number))} (spread {ClaimText.Percent(g.Spread)})"));
        return Result(worst.Spread <= _tolerance ? Verdict.Holds : Verdict.Fails,
            $"largest relative spread {ClaimText.Percent(worst.Spread)} against a tolerance of {ClaimText.Percent(_tolerance)} over {groups.Length} group(s): {detail}{leftOut}", numbers);
    }

    /// <summary>Keys computed in floating point (0.01/32 and 0.04/128) agree to 9 significant digits, not bit for bit.</summary>
    private static double RoundKey(double key) =>
        double.IsFinite(key) ? double.Parse(key.ToString("G9", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : key;

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
