using System.Globalization;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A value depends on the sweep only through a derived key (e.g. lr/B): the variation of the seed-averaged
/// values along lines of equal key is small compared with the variation across lines. With point means mₚ
/// grouped by key (G groups, P points), MS_along = Σ (mₚ − m̄_g)² / (P − G) and MS_across = Σ n_g (m̄_g − m̄)² / (G − 1);
/// the ratio R = MS_along / MS_across estimates θ = E[MS_along] / E[MS_across], with the F interval
/// [R / F₁₋α/₂(P − G, G − 1), R / Fα/₂(P − G, G − 1)]; the claim is θ &lt; maxRatio by <see cref="Decision"/>.
/// A grid whose values hardly vary at all has MS_across as small as MS_along, so it cannot pass by default.
/// </summary>
internal sealed class InvarianceClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _along;
    private readonly double _maxRatio;
    private readonly double _confidence;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _valueText;
    private readonly string _alongText;

    public InvarianceClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> along,
        double maxRatio, double confidence, Regime<TPoint, TMetrics> regime, string valueText, string alongText)
    {
        if (!(maxRatio > 0 && maxRatio < 1)) throw new ArgumentOutOfRangeException(nameof(maxRatio), maxRatio, "maxRatio is the largest MS_along / MS_across the claim allows: a number in (0, 1), e.g. 0.25.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        (_builder, _value, _along, _maxRatio, _confidence, _regime) = (builder, value, along, maxRatio, confidence, regime);
        (_valueText, _alongText) = (ClaimText.Describe(valueText), ClaimText.Describe(alongText));
    }

    public override string Statement =>
        $"{_valueText} depends on the sweep only through {_alongText}{_regime.Statement}: the mean square of the seed-averaged values along lines of equal {_alongText} " +
        $"over the mean square across them (F ratio) has its {ClaimText.Percent(_confidence)} interval below {ClaimText.Number(_maxRatio)} " +
        "(needs two or more lines, one with two or more points)";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _regime.IncludesPoint(_builder.ToPoint(parameters));

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        var points = values.GroupBy(v => v.Trial.PointKey)
            .Select(g => (Key: RoundKey(_along(g.First().Trial.Point)), Mean: g.Average(v => v.Value)))
            .Where(p => double.IsFinite(p.Key)).ToArray();
        var groups = points.GroupBy(p => p.Key).OrderBy(g => g.Key).Select(g => (Key: g.Key, Means: g.Select(p => p.Mean).ToArray())).ToArray();
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var numbers = new Dictionary<string, double> { ["groups"] = groups.Length, ["points"] = points.Length, ["trials"] = values.Count, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside };
        var detail = string.Join("; ", groups.Select(g => $"{_alongText} = {ClaimText.Number(g.Key)}: {string.Join(", ", g.Means.Select(ClaimText.Number))}"));
        double dfAlong = points.Length - groups.Length, dfAcross = groups.Length - 1;
        if (dfAlong < 1 || dfAcross < 1)
            return Result(Verdict.Inconclusive,
                $"{groups.Length} line(s) of equal {_alongText} over {points.Length} point(s): invariance is judged against the variation across two or more lines, " +
                $"and needs a line with two or more points ({detail}){tail}", numbers);

        var grand = points.Average(p => p.Mean);
        var along = groups.Sum(g => g.Means.Sum(m => (m - g.Means.Average()) * (m - g.Means.Average()))) / dfAlong;
        var across = groups.Sum(g => g.Means.Length * (g.Means.Average() - grand) * (g.Means.Average() - grand)) / dfAcross;
        var ratio = across == 0 ? (along == 0 ? 0 : double.PositiveInfinity) : along / across;
        var tail2 = (1 - confidence) / 2;
        var lower = double.IsPositiveInfinity(ratio) ? ratio : ratio / Statistics.FQuantile(1 - tail2, dfAlong, dfAcross);
        var upper = double.IsPositiveInfinity(ratio) ? ratio : ratio / Statistics.FQuantile(tail2, dfAlong, dfAcross);
        var effect = new Effect(ratio, lower, upper, double.NaN, double.NaN, 0)
        {
            Undecidable = $"the interval's width is set by the F degrees of freedom ({dfAlong} along, {dfAcross} across), not by the seeds: " +
                          $"more points on each line and more lines of equal {_alongText} would decide it",
        };
        var outcome = Decision.Decide(effect, Region.Below(_maxRatio), confidence, "MS along / MS across", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["ratio"] = ratio;
        var figure = new EvidenceFigure(_alongText, $"{_valueText} (seeds averaged)",
            [new EvidenceSeries("sweep points", points.Select(p => new EvidencePoint(p.Key, p.Mean)).ToArray()),
             new EvidenceSeries($"mean of each line of equal {_alongText}", groups.Select(g => new EvidencePoint(g.Key, g.Means.Average())).ToArray(), Joined: true)])
        { LogX = Figures.SpansDecades(points.Select(p => p.Key)) };
        return Result(outcome.Verdict,
            $"{outcome.Text}; MS along {ClaimText.Number(along)} (df {dfAlong}), MS across {ClaimText.Number(across)} (df {dfAcross}); {detail}{tail}", numbers) with { Figure = figure };
    }

    /// <summary>Keys computed in floating point (0.01/32 and 0.04/128) agree to 9 significant digits, not bit for bit.</summary>
    private static double RoundKey(double key) =>
        double.IsFinite(key) ? double.Parse(key.ToString("G9", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : key;

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
