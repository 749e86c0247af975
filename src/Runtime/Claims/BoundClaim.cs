using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The mean of a value over finished trials is above (or below) a fixed bound: the one-sided Student
/// t-interval of the mean lies entirely on the claimed side of the bound.
/// </summary>
internal sealed class BoundClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly double _bound;
    private readonly bool _atLeast;
    private readonly double _confidence;
    private readonly int _minTrials;
    private readonly Func<TPoint, bool>? _where;
    private readonly string _valueText;
    private readonly string? _whereText;

    public BoundClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, double bound, bool atLeast,
        double confidence, int minTrials, Func<TPoint, bool>? where, string valueText, string whereText)
    {
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minTrials < 2) throw new ArgumentOutOfRangeException(nameof(minTrials), minTrials, "A t-interval needs at least 2 trials: set minTrials to 2 or more.");
        if (!double.IsFinite(bound)) throw new ArgumentOutOfRangeException(nameof(bound), bound, "The bound must be a finite number.");
        (_builder, _value, _bound, _atLeast, _confidence, _minTrials, _where) = (builder, value, bound, atLeast, confidence, minTrials, where);
        _valueText = ClaimText.Describe(valueText);
        _whereText = where is null ? null : ClaimText.Describe(whereText);
    }

    private string Level => ClaimText.Percent(_confidence);

    public override string Statement =>
        $"{_valueText} is {(_atLeast ? "at least" : "at most")} {ClaimText.Number(_bound)} on average over the finished trials{(_whereText is null ? "" : $" where {_whereText}")}: " +
        $"the one-sided {Level} t-interval of the mean lies {(_atLeast ? "above" : "below")} it (needs at least {_minTrials} finished trials)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = set.Values(_value, out var withoutValue).Where(v => _where is null || _where(v.Trial.Point)).Select(v => v.Value).ToArray();
        var leftOut = ClaimText.LeftOut(set.Excluded, withoutValue);
        var numbers = new Dictionary<string, double> { ["n"] = values.Length, ["excluded"] = set.ExcludedCount + withoutValue };
        if (values.Length < _minTrials)
            return Result(Verdict.Inconclusive, $"only {values.Length} finished trial(s) with a value, {_minTrials} needed{leftOut}", numbers);

        var mean = Statistics.Mean(values);
        var sd = Statistics.StandardDeviation(values);
        var half = Statistics.StudentTQuantile(_confidence, values.Length - 1) * sd / Math.Sqrt(values.Length);
        var limit = _atLeast ? mean - half : mean + half;
        numbers["mean"] = mean;
        numbers["sd"] = sd;
        numbers[_atLeast ? "lower" : "upper"] = limit;
        var holds = _atLeast ? limit > _bound : limit < _bound;
        return Result(holds ? Verdict.Holds : Verdict.Fails,
            $"mean {ClaimText.Number(mean)} ± {ClaimText.Number(sd)} sd over {values.Length} trials; one-sided {Level} {(_atLeast ? "lower" : "upper")} bound {ClaimText.Number(limit)} " +
            $"{(holds ? (_atLeast ? ">" : "<") : (_atLeast ? "≤" : "≥"))} {ClaimText.Number(_bound)}{leftOut}", numbers);
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
