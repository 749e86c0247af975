using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Where a value peaks moves with a group key (e.g. the optimal noise scale grows with width): per group,
/// the location of the best seed-averaged value; Spearman ρ between key and location, with a percentile
/// bootstrap interval over seeds (each point's seeds resampled with replacement, <see cref="Resamples"/>
/// times from a fixed seed, so the verdict is reproducible), decided by <see cref="Decision"/>.
/// </summary>
internal sealed class OptimumClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    public const int Resamples = 2000;
    private const int BootstrapSeed = 20261129;

    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TrialResult<TPoint, TMetrics>, double> _value;
    private readonly Func<TPoint, double> _at;
    private readonly Func<TPoint, double> _group;
    private readonly bool _increasing;
    private readonly double _minRho;
    private readonly double _confidence;
    private readonly int _minGroups;
    private readonly Regime<TPoint, TMetrics> _regime;
    private readonly string _valueText;
    private readonly string _atText;
    private readonly string _groupText;

    public OptimumClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TrialResult<TPoint, TMetrics>, double> value, Func<TPoint, double> at,
        Func<TPoint, double> group, bool increasing, double minRho, double confidence, int minGroups, Regime<TPoint, TMetrics> regime,
        string valueText, string atText, string groupText)
    {
        if (!(minRho >= 0 && minRho < 1)) throw new ArgumentOutOfRangeException(nameof(minRho), minRho, "minRho is the smallest |ρ| of interest: a number in [0, 1), 0 to claim the direction only.");
        if (!(confidence > 0 && confidence < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence is the interval's coverage: a number in (0, 1), e.g. 0.95.");
        if (minGroups < 3) throw new ArgumentOutOfRangeException(nameof(minGroups), minGroups, "A rank correlation needs at least 3 groups: set minGroups to 3 or more.");
        (_builder, _value, _at, _group, _increasing, _minRho, _confidence, _minGroups, _regime) = (builder, value, at, group, increasing, minRho, confidence, minGroups, regime);
        (_valueText, _atText, _groupText) = (ClaimText.Describe(valueText), ClaimText.Describe(atText), ClaimText.Describe(groupText));
    }

    private Region Region => _increasing ? Region.Above(_minRho) : Region.Below(-_minRho);

    public override string Statement =>
        $"the {_atText} at which {_valueText} is highest {(_increasing ? "grows" : "shrinks")} with {_groupText}{_regime.Statement}: Spearman ρ between {_groupText} " +
        $"and the best {_atText} of its sweep points (seeds averaged), with a {ClaimText.Percent(_confidence)} bootstrap interval over seeds lying {Region.Describe(v => v)} " +
        $"(needs {_minGroups} groups, 2 seeds per point)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var points = values.GroupBy(v => v.Trial.PointKey)
            .Select(g => (Group: _group(g.First().Trial.Point), At: _at(g.First().Trial.Point), Seeds: g.Select(v => v.Value).ToArray()))
            .GroupBy(p => p.Group).Where(g => g.Select(p => p.At).Distinct().Count() >= 2)
            .OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var numbers = new Dictionary<string, double> { ["groups"] = points.Length, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside };
        var optima = points.Select(g => g.MaxBy(p => p.Seeds.Average())).ToArray();
        var table = string.Join("; ", optima.Select(o => $"{_groupText} {ClaimText.Number(o.Group)}: best at {ClaimText.Number(o.At)} ({ClaimText.Number(o.Seeds.Average())})"));
        if (points.Length < _minGroups || points.Any(g => g.Any(p => p.Seeds.Length < 2)))
            return Result(Verdict.Inconclusive,
                $"{points.Length} group(s) with two or more values of {_atText} ({_minGroups} needed), every point needs 2 seeds for the bootstrap" +
                $"{(table.Length > 0 ? "; " + table : "")}{tail}", numbers);

        var rho = Rho(points, g => g.MaxBy(p => p.Seeds.Average()).At);
        var random = new Random(BootstrapSeed);
        var draws = new double[Resamples];
        for (var i = 0; i < Resamples; i++)
            draws[i] = Rho(points, g => g.MaxBy(p => Enumerable.Range(0, p.Seeds.Length).Average(_ => p.Seeds[random.Next(p.Seeds.Length)])).At);
        Array.Sort(draws);
        var tail2 = (1 - _confidence) / 2;
        var effect = new Effect(rho, draws[(int)Math.Floor(tail2 * (Resamples - 1))], draws[(int)Math.Ceiling((1 - tail2) * (Resamples - 1))], double.NaN, double.NaN, 0)
        {
            Undecidable = "a bootstrap interval has no seeds-to-power rule here: more seeds per point and a finer grid of " + _atText + " would narrow it",
        };
        var outcome = Decision.Decide(effect, Region, _confidence, "ρ");
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["rho"] = rho;
        var figure = new EvidenceFigure(_atText, $"{_valueText} (mean over seeds, 95% interval)", points.Select(g => new EvidenceSeries($"{_groupText} {ClaimText.Number(g[0].Group)}",
            g.OrderBy(p => p.At).Select(p => Figures.MeanWithInterval(p.Seeds) is var (m, h) ? new EvidencePoint(p.At, m, h) : default).ToArray(), Joined: true)).ToArray())
        { LogX = Figures.SpansDecades(points.SelectMany(g => g.Select(p => p.At))) };
        return Result(outcome.Verdict, $"{outcome.Text}; {table}{tail}", numbers) with { Figure = figure };
    }

    private double Rho((double Group, double At, double[] Seeds)[][] groups, Func<(double Group, double At, double[] Seeds)[], double> best)
    {
        var rho = Statistics.Spearman(groups.Select(g => g[0].Group).ToArray(), groups.Select(best).ToArray());
        return double.IsNaN(rho) ? 0 : rho;
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
