using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The mean of a value over the finished trials of one subset of sweep points exceeds (or falls
/// below) its mean over another subset: Welch's t-interval of the difference excludes zero.
/// </summary>
internal sealed class ComparisonClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, bool> _where;
    private readonly Func<TPoint, bool> _than;
    private readonly bool _greater;
    private readonly double _confidence;
    private readonly int _minTrials;
    private readonly string _valueText;
    private readonly string _whereText;
    private readonly string _thanText;

    public ComparisonClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, bool> where,
        Func<TPoint, bool> than, bool greater, double confidence, int minTrials, string valueText, string whereText, string thanText)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minTrials < 2) throw new ArgumentOutOfRangeException(nameof(minTrials), minTrials, "A t-interval needs at least 2 trials on each side: set minTrials to 2 or more.");
        (_builder, _value, _where, _than, _greater, _confidence, _minTrials) = (builder, value, where, than, greater, confidence, minTrials);
        (_valueText, _whereText, _thanText) = (ClaimText.Describe(valueText), ClaimText.Describe(whereText), ClaimText.Describe(thanText));
    }

    private string Level => ClaimText.Percent(_confidence);

    public override string Statement =>
        $"{_valueText} is {(_greater ? "higher" : "lower")} where {_whereText} than where {_thanText}: the {Level} Welch t-interval of the difference " +
        $"of means over seeds lies {(_greater ? "above" : "below")} 0 (needs at least {_minTrials} finished trials on each side)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = set.Values(_value, out var withoutValue);
        var a = values.Where(v => _where(v.Trial.Point)).Select(v => v.Value).ToArray();
        var b = values.Where(v => _than(v.Trial.Point)).Select(v => v.Value).ToArray();
        var leftOut = ClaimText.LeftOut(set.Excluded, withoutValue);
        var numbers = new Dictionary<string, double> { ["nA"] = a.Length, ["nB"] = b.Length, ["excluded"] = set.ExcludedCount + withoutValue };
        string Side(double[] v) => v.Length == 0 ? "no trials" : $"mean {ClaimText.Number(Statistics.Mean(v))} ± {ClaimText.Number(Statistics.StandardDeviation(v))} sd (n = {v.Length})";
        var sides = $"where {_whereText}: {Side(a)}; where {_thanText}: {Side(b)}";
        if (a.Length < _minTrials || b.Length < _minTrials)
            return Result(Verdict.Inconclusive, $"{sides}; {_minTrials} finished trials needed on each side{leftOut}", numbers);

        var (difference, lower, upper, df) = Statistics.WelchInterval(a, b, _confidence);
        numbers["meanA"] = Statistics.Mean(a);
        numbers["meanB"] = Statistics.Mean(b);
        numbers["difference"] = difference;
        numbers["lower"] = lower;
        numbers["upper"] = upper;
        var holds = _greater ? lower > 0 : upper < 0;
        var dfText = double.IsFinite(df) ? $", df {ClaimText.Number(df)}" : ", no spread";
        return Result(holds ? Verdict.Holds : Verdict.Fails,
            $"{sides}; difference {ClaimText.Number(difference)}, {Level} CI [{ClaimText.Number(lower)}, {ClaimText.Number(upper)}] (Welch{dfText}){leftOut}", numbers);
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
