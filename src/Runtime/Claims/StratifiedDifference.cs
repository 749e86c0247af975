using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The difference of a value between two sides of a comparison, computed within each stratum and combined.
/// In a stratum where each side is one sweep point and they share at least two seeds, the difference is
/// paired by seed (same initial weights and data order on both sides: mean of the per-seed differences,
/// variance s²/n, n − 1 degrees of freedom); otherwise it is Welch's difference of means. The strata are
/// combined with equal weights, D = (1/K)·Σ dₖ with variance (1/K²)·Σ vₖ and Welch–Satterthwaite degrees
/// of freedom (Σ vₖ)² / Σ (vₖ² / dfₖ). Equal weights estimate the average effect over the swept grid, which
/// is what the claim states; inverse-variance weights would let a stratum's variance, itself estimated from
/// two or three seeds, decide how much that stratum counts.
/// </summary>
internal static class StratifiedDifference
{
    public sealed record Stratum(string Label, double MeanA, double MeanB, double Difference, double Variance, double DegreesOfFreedom, int Seeds, bool Paired);

    public sealed record Result(Effect? Effect, IReadOnlyList<Stratum> Strata, IReadOnlyList<string> StratifiedBy, IReadOnlyList<string> Skipped);

    public static Result Estimate(IReadOnlyList<Observation> a, IReadOnlyList<Observation> b, double confidence, int minSeeds)
    {
        var axes = Strata.OtherThanCompared(a, b);
        var strata = new List<Stratum>();
        var skipped = new List<string>();
        var keys = a.Concat(b).Select(o => Strata.Key(o, axes)).Distinct().OrderBy(k => k, StringComparer.Ordinal);
        foreach (var key in keys)
        {
            var left = a.Where(o => Strata.Key(o, axes) == key).ToArray();
            var right = b.Where(o => Strata.Key(o, axes) == key).ToArray();
            if (left.Length == 0 || right.Length == 0)
            {
                skipped.Add($"{key} (only one side)");
                continue;
            }
            if (Pairs(left, right) is { Length: var pairs } differences && pairs >= minSeeds)
            {
                strata.Add(new Stratum(key, left.Average(o => o.Value), right.Average(o => o.Value), Statistics.Mean(differences),
                    Statistics.Variance(differences) / pairs, pairs - 1, pairs, Paired: true));
                continue;
            }
            if (left.Length < minSeeds || right.Length < minSeeds)
            {
                skipped.Add($"{key} ({left.Length} vs {right.Length} seeds, {minSeeds} a side needed)");
                continue;
            }
            var va = left.Select(o => o.Value).ToArray();
            var vb = right.Select(o => o.Value).ToArray();
            var (difference, variance, df) = Statistics.Welch(va, vb);
            strata.Add(new Stratum(key, Statistics.Mean(va), Statistics.Mean(vb), difference, variance, df,
                Math.Min(va.Length, vb.Length), Paired: false));
        }
        if (strata.Count == 0) return new Result(null, strata, axes, skipped);

        var seeds = strata.Min(s => s.Seeds);
        var estimate = strata.Average(s => s.Difference);
        var (se, dof) = Combine(strata, 0);
        var effect = Effect.FromT(estimate, se, dof, seeds, confidence) with { AtSeeds = n => Combine(strata, n) };
        return new Result(effect, strata, axes, skipped);
    }

    /// <summary>Per-seed differences when each side is one point and they share seeds; empty otherwise.</summary>
    private static double[] Pairs(Observation[] left, Observation[] right)
    {
        if (left.Select(o => o.PointKey).Distinct().Count() != 1 || right.Select(o => o.PointKey).Distinct().Count() != 1) return [];
        var bySeed = right.GroupBy(o => o.Seed).Where(g => g.Count() == 1).ToDictionary(g => g.Key, g => g.Single().Value);
        return left.GroupBy(o => o.Seed).Where(g => g.Count() == 1 && bySeed.ContainsKey(g.Key))
            .OrderBy(g => g.Key).Select(g => g.Single().Value - bySeed[g.Key]).ToArray();
    }

    /// <summary>Standard error and Satterthwaite df of the equal-weight mean; with <paramref name="seeds"/> &gt; 0, as if every stratum had that many seeds.</summary>
    private static (double StandardError, double DegreesOfFreedom) Combine(IReadOnlyList<Stratum> strata, int seeds)
    {
        var k = strata.Count;
        double sum = 0, denominator = 0;
        foreach (var s in strata)
        {
            var v = seeds > 0 ? s.Variance * s.Seeds / seeds : s.Variance;
            var df = seeds > 0 ? s.DegreesOfFreedom * (seeds - 1) / Math.Max(1, s.Seeds - 1) : s.DegreesOfFreedom;
            sum += v;
            if (v > 0) denominator += v * v / df;
        }
        if (sum == 0) return (0, double.PositiveInfinity);
        return (Math.Sqrt(sum) / k, sum * sum / denominator);
    }
}
