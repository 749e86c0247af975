using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Spearman's ρ between a value and a quantity X, computed within each stratum over its finished trials
/// (every seed an observation) and combined on Fisher's z scale: zₖ = atanh ρₖ with the variance
/// 1.06 / (nₖ − 3) of Fieller, Hartley and Pearson (1957), weights nₖ − 3, so z̄ = Σ wₖ zₖ / Σ wₖ with standard
/// error √(1.06 / Σ wₖ) and a normal interval, shown back on the ρ scale (tanh). A stratum needs at least
/// four trials and two values of X. Under no association the variance of ρ is 1/(n − 1), smaller than
/// the one used, so the interval is conservative with few trials (the calibration test measures it).
/// </summary>
internal static class StratifiedSpearman
{
    public const int MinTrials = 4;

    public sealed record Stratum(string Label, double Rho, int Trials, int Points);

    public sealed record Result(Effect? Effect, IReadOnlyList<Stratum> Strata, IReadOnlyList<string> StratifiedBy, IReadOnlyList<string> Skipped);

    /// <summary>ρ = ±1 is clamped to ±(1 − 1e-6) before atanh, so a perfect ranking gives a large finite z.</summary>
    private const double Clamp = 1 - 1e-6;

    public static Result Estimate(IReadOnlyList<Observation> observations, double confidence, bool declaredStrata)
    {
        var axes = declaredStrata ? [] : Strata.NotInvolvedIn(observations);
        var strata = new List<Stratum>();
        var skipped = new List<string>();
        foreach (var group in observations.GroupBy(o => Strata.Key(o, axes)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var trials = group.ToArray();
            var points = trials.Select(o => o.PointKey).Distinct().Count();
            if (trials.Length < MinTrials || trials.Select(o => o.X).Distinct().Count() < 2)
            {
                skipped.Add($"{group.Key} ({trials.Length} trials at {trials.Select(o => o.X).Distinct().Count()} value(s) of X; {MinTrials} trials at 2 or more needed)");
                continue;
            }
            var rho = Statistics.Spearman(trials.Select(o => o.X).ToArray(), trials.Select(o => o.Value).ToArray());
            strata.Add(new Stratum(group.Key, double.IsNaN(rho) ? 0 : rho, trials.Length, points));
        }
        if (strata.Count == 0) return new Result(null, strata, axes, skipped);

        var weight = strata.Sum(s => s.Trials - 3.0);
        var z = strata.Sum(s => (s.Trials - 3) * Math.Atanh(Math.Clamp(s.Rho, -Clamp, Clamp))) / weight;
        var seeds = (int)Math.Round(strata.Sum(s => (double)s.Trials) / strata.Sum(s => s.Points));
        (double, double) At(int n) => (Math.Sqrt(1.06 / strata.Sum(s => Math.Max(1, s.Points * n - 3.0))), double.PositiveInfinity);
        var effect = Effect.FromT(z, Math.Sqrt(1.06 / weight), double.PositiveInfinity, Math.Max(1, seeds), confidence) with { AtSeeds = At, Show = Math.Tanh };
        return new Result(effect, strata, axes, skipped);
    }
}
