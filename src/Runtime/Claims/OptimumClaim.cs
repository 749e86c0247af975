using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Where a value peaks moves with a group key (e.g. the optimal noise scale grows with width). Seeds are the
/// replicates: for each seed, the location of its best value in each group and Spearman ρ between the group
/// key and those locations; over the seeds, the Hodges–Lehmann estimate with the exact Wilcoxon signed-rank
/// interval (<see cref="Statistics.SignedRankInterval"/>), decided by <see cref="Decision"/>. Exact, so it
/// needs 6 seeds at 95% before it can exclude anything: with fewer it is inconclusive and says so.
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
        $"and each seed's best {_atText}, with the {ClaimText.Percent(_confidence)} signed-rank interval over seeds lying {Region.Describe(v => v)} " +
        $"(needs {_minGroups} groups)";

    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        _regime.IncludesPoint(_builder.ToPoint(parameters));

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var confidence = results.Look.Confidence(_confidence);
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var values = _regime.Select(set.Values(_value, out var withoutValue), out var outside);
        var tail = _regime.Counts(values.Count, outside) + ClaimText.LeftOut(set.Excluded, withoutValue);
        var points = values.GroupBy(v => v.Trial.PointKey)
            .Select(g => (Group: _group(g.First().Trial.Point), At: _at(g.First().Trial.Point), Seeds: g.Select(v => (v.Trial.Seed, v.Value)).ToArray()))
            .GroupBy(p => p.Group).Where(g => g.Select(p => p.At).Distinct().Count() >= 2)
            .OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        var numbers = new Dictionary<string, double> { ["groups"] = points.Length, ["excluded"] = set.ExcludedCount + withoutValue, ["outside"] = outside };
        var optima = points.Select(g => g.MaxBy(p => p.Seeds.Average(s => s.Value))).ToArray();
        var table = string.Join("; ", optima.Select(o => $"{_groupText} {ClaimText.Number(o.Group)}: best at {ClaimText.Number(o.At)} ({ClaimText.Number(o.Seeds.Average(s => s.Value))}, seeds averaged)"));
        if (points.Length < _minGroups)
            return Result(Verdict.Inconclusive,
                $"{points.Length} group(s) with two or more values of {_atText}, {_minGroups} needed{(table.Length > 0 ? "; " + table : "")}{tail}", numbers);

        var perSeed = PerSeed(points);
        if (perSeed.Count == 0)
            return Result(Verdict.Inconclusive, $"no seed was finished at two or more values of {_atText} in every group; {table}{tail}", numbers);
        var (estimate, lower, upper) = Statistics.SignedRankInterval(perSeed.Select(s => s.Rho).ToArray(), confidence);
        var effect = new Effect(estimate, lower, upper, double.NaN, double.NaN, perSeed.Count)
        {
            Undecidable = perSeed.Count < MinSeedsToDecide(confidence)
                ? $"an exact signed-rank interval over {perSeed.Count} seed(s) cannot exclude anything: it needs {MinSeedsToDecide(confidence)} or more seeds"
                : "the seeds disagree about where the optimum lies: more seeds narrow the signed-rank interval",
        };
        numbers["seeds"] = perSeed.Count;
        var outcome = Decision.Decide(effect, Region, confidence, "ρ", results.Look);
        foreach (var (k, v) in outcome.Numbers) numbers[k] = v;
        numbers["rho"] = estimate;
        var figure = new EvidenceFigure(_atText, $"{_valueText} (mean over seeds, 95% interval)", points.Select(g => new EvidenceSeries($"{_groupText} {ClaimText.Number(g[0].Group)}",
            g.OrderBy(p => p.At).Select(p => Figures.MeanWithInterval(p.Seeds.Select(s => s.Value).ToArray()) is var (m, h) ? new EvidencePoint(p.At, m, h) : default).ToArray(), Joined: true)).ToArray())
        { LogX = Figures.SpansDecades(points.SelectMany(g => g.Select(p => p.At))) };
        var seeds = string.Join(", ", perSeed.Select(p => $"seed {p.Seed}: ρ {ClaimText.Number(p.Rho)}"));
        return Result(outcome.Verdict, $"{outcome.Text}; {table}; per seed {seeds}{tail}", numbers) with { Figure = figure };
    }

    /// <summary>For each seed finished at two or more values of <c>at</c> in every group: ρ between the group key and that seed's best <c>at</c>.</summary>
    private static List<(int Seed, double Rho)> PerSeed((double Group, double At, (int Seed, double Value)[] Seeds)[][] groups)
    {
        var result = new List<(int, double)>();
        foreach (var seed in groups.SelectMany(g => g.SelectMany(p => p.Seeds.Select(s => s.Seed))).Distinct().Order())
        {
            var best = new List<double>();
            foreach (var group in groups)
            {
                var at = group.Where(p => p.Seeds.Any(s => s.Seed == seed)).Select(p => (p.At, Value: p.Seeds.First(s => s.Seed == seed).Value)).ToArray();
                if (at.Length < 2) break;
                best.Add(at.MaxBy(a => a.Value).At);
            }
            if (best.Count < groups.Length) continue;
            var rho = Statistics.Spearman(groups.Select(g => g[0].Group).ToArray(), best);
            result.Add((seed, double.IsNaN(rho) ? 0 : rho));
        }
        return result;
    }

    /// <summary>The fewest values whose signed-rank interval can exclude anything at this confidence (6 at 95%).</summary>
    private static int MinSeedsToDecide(double confidence)
    {
        var n = 1;
        while (Math.Pow(0.5, n) > (1 - confidence) / 2) n++;
        return n;
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
