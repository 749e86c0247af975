using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The average of a value over the sweep points of a claim: each point's mean over its seeds (variance
/// s²/n), combined with equal weights and Welch–Satterthwaite degrees of freedom, so the interval
/// reflects seed noise only and not the spread of the value across the grid. Points with fewer than the
/// needed seeds are left out and named.
/// </summary>
internal static class StratifiedMean
{
    public sealed record Point(string Label, double Mean, double Variance, int Seeds);

    public sealed record Result(Effect? Effect, IReadOnlyList<Point> Points, IReadOnlyList<string> Skipped);

    public static Result Estimate(IReadOnlyList<Observation> observations, double confidence, int minSeeds)
    {
        var points = new List<Point>();
        var skipped = new List<string>();
        foreach (var group in observations.GroupBy(o => o.PointKey).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var label = Strata.Key(group.First(), Strata.Axes(group));
            var values = group.Select(o => o.Value).ToArray();
            if (values.Length < minSeeds)
            {
                skipped.Add($"{label} ({values.Length} seed{(values.Length == 1 ? "" : "s")}, {minSeeds} needed)");
                continue;
            }
            points.Add(new Point(label, Statistics.Mean(values), Statistics.Variance(values) / values.Length, values.Length));
        }
        if (points.Count == 0) return new Result(null, points, skipped);
        var (se, df) = Combine(points, 0);
        var effect = Effect.FromT(points.Average(p => p.Mean), se, df, points.Min(p => p.Seeds), confidence) with { AtSeeds = n => Combine(points, n) };
        return new Result(effect, points, skipped);
    }

    private static (double StandardError, double DegreesOfFreedom) Combine(IReadOnlyList<Point> points, int seeds)
    {
        double sum = 0, denominator = 0;
        foreach (var p in points)
        {
            var n = seeds > 0 ? seeds : p.Seeds;
            var v = p.Variance * p.Seeds / n;
            sum += v;
            if (v > 0) denominator += v * v / (n - 1);
        }
        return sum == 0 ? (0, double.PositiveInfinity) : (Math.Sqrt(sum) / points.Count, sum * sum / denominator);
    }
}
