using Declarative.Runtime.Claims;
using Declarative.Runtime.Reports;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>
/// The verdict rule's error rates, measured by simulation with fixed seeds. Each end of a claimed region is a
/// one-sided test at (1 − 0.95)/2 = 2.5%, so with no effect a claim may hold in at most 2.5% of experiments;
/// the tests allow two Monte Carlo standard errors above that. A simulated effect as large as the minimum
/// detectable effect the inconclusive messages state is then decided with about the power they state (80%).
/// </summary>
public sealed class CalibrationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Experiments = 2000;
    private const double Nominal = 0.025;
    private static readonly double Allowed = Nominal + 2 * Math.Sqrt(Nominal * (1 - Nominal) / Experiments);

    /// <summary>Standard normal draws (Box–Muller) from a seeded stream, so every run sees the same experiments.</summary>
    private sealed class Normal(int seed)
    {
        private readonly Random _random = new(seed);

        public double Next() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
    }

    /// <summary>
    /// Two learning rates (a large effect of their own) × batch 32 and 512, <paramref name="seeds"/> shared seeds; a seed
    /// moves both batches of a rate alike (same initial weights), and batch 32 is better by <paramref name="effect"/>.
    /// </summary>
    private static ExperimentResults PairedGrid(Normal normal, int seeds, double effect)
    {
        var grid = new GridResults();
        foreach (var lr in new[] { 0.02, 0.1 })
        for (var seed = 0; seed < seeds; seed++)
        {
            var shared = 0.05 * normal.Next();
            grid.Final(lr, 32, seed, 0.7 + lr + shared + effect + 0.01 * normal.Next());
            grid.Final(lr, 512, seed, 0.7 + lr + shared + 0.01 * normal.Next());
        }
        return grid.Build();
    }

    private static readonly Claim SmallBatchBetter =
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512).Named("SmallBatchBetter");

    private (double Holds, double Fails) Rates(Claim claim, Func<Normal, ExperimentResults> experiment, int seed, int count = Experiments)
    {
        var normal = new Normal(seed);
        int holds = 0, fails = 0;
        for (var i = 0; i < count; i++)
        {
            var verdict = claim.Check(experiment(normal)).Verdict;
            if (verdict == Verdict.Holds) holds++;
            if (verdict == Verdict.Fails) fails++;
        }
        output.WriteLine($"{claim.Name}: holds {(double)holds / count:P2}, fails {(double)fails / count:P2} of {count}");
        return ((double)holds / count, (double)fails / count);
    }

    [Fact]
    public void A_paired_stratified_comparison_with_no_effect_holds_at_most_at_the_nominal_rate()
    {
        var (holds, fails) = Rates(SmallBatchBetter, n => PairedGrid(n, 3, 0), seed: 1);

        Assert.True(holds <= Allowed, $"holds in {holds:P2} of {Experiments} experiments with no effect (allowed {Allowed:P2})");
        Assert.True(fails <= Allowed, $"fails in {fails:P2} (allowed {Allowed:P2})");
        Assert.True(holds > 0.005, $"holds in {holds:P2}: far below the nominal 2.5%, the interval is needlessly wide");
    }

    [Fact]
    public void A_stratified_rank_correlation_with_no_effect_holds_at_most_at_the_nominal_rate()
    {
        var claim = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize).Named("FallsWithBatch");
        ExperimentResults Grid(Normal normal)
        {
            var grid = new GridResults();
            foreach (var lr in new[] { 0.01, 0.05, 0.2 })
            foreach (var batch in new[] { 32, 128, 512 })
            for (var seed = 0; seed < 2; seed++)
                grid.Final(lr, batch, seed, 0.5 + lr + 0.01 * normal.Next());
            return grid.Build();
        }

        var (holds, fails) = Rates(claim, Grid, seed: 2);

        Assert.True(holds <= Allowed, $"holds in {holds:P2} with no effect (allowed {Allowed:P2})");
        Assert.True(fails <= Allowed, $"fails in {fails:P2} (allowed {Allowed:P2})");
    }

    [Fact]
    public void Equivalence_at_the_margin_holds_at_most_at_the_nominal_rate()
    {
        var claim = Expect.Equivalent(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512, margin: 0.01).Named("Same");

        var (holds, _) = Rates(claim, n => PairedGrid(n, 5, 0.01), seed: 3);

        Assert.True(holds <= Allowed, $"holds in {holds:P2} when the true difference is the margin (allowed {Allowed:P2})");
    }

    [Fact]
    public void A_bound_at_the_true_mean_holds_at_most_at_the_nominal_rate()
    {
        var claim = Expect.AtLeast(r => r.Final(m => m.TestAccuracy), 0.8).Named("AboveBound");
        ExperimentResults Grid(Normal normal)
        {
            var grid = new GridResults();
            foreach (var batch in new[] { 32, 128, 512 })
            for (var seed = 0; seed < 3; seed++)
                grid.Final(0.05, batch, seed, 0.8 + 0.02 * normal.Next());
            return grid.Build();
        }

        var (holds, fails) = Rates(claim, Grid, seed: 4);

        Assert.True(holds <= Allowed, $"holds in {holds:P2} at the bound (allowed {Allowed:P2})");
        Assert.True(fails <= Allowed, $"fails in {fails:P2} at the bound (allowed {Allowed:P2})");
    }

    [Fact]
    public void An_optimum_that_does_not_move_holds_at_most_at_the_nominal_rate()
    {
        var claim = Expect.OptimumMoves(r => r.Final(m => m.TestAccuracy), at: p => p.LearningRate, group: p => p.BatchSize).Named("Optimum");
        ExperimentResults Grid(Normal normal)
        {
            var grid = new GridResults();
            foreach (var lr in new[] { 0.01, 0.05, 0.2 })
            foreach (var batch in new[] { 32, 128, 512 })
            for (var seed = 0; seed < 8; seed++)
                grid.Final(lr, batch, seed, 0.5 + 0.01 * normal.Next());
            return grid.Build();
        }

        var (holds, fails) = Rates(claim, Grid, seed: 8, count: 500);

        var allowed = Nominal + 2 * Math.Sqrt(Nominal * (1 - Nominal) / 500);
        Assert.True(holds <= allowed, $"holds in {holds:P2} with no effect (allowed {allowed:P2})");
        Assert.True(fails <= allowed, $"fails in {fails:P2} (allowed {allowed:P2})");
    }

    [Fact]
    public void Invariance_at_the_bound_holds_at_most_at_the_nominal_rate()
    {
        // Three lines of equal lr/B, four points each (one seed). Along a line the points scatter with sd 1; the lines' own
        // levels have variance 3/4, so E[MS_across] = 1 + 4 · 3/4 = 4 = E[MS_along] / 0.25: the ratio sits exactly on the bound.
        var claim = Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.NoiseRatio, maxRatio: 0.25).Named("Invariant");
        ExperimentResults Grid(Normal normal)
        {
            var grid = new GridResults();
            for (var line = 0; line < 3; line++)
            {
                var level = Math.Sqrt(0.75) * normal.Next();
                for (var position = 0; position < 4; position++)
                {
                    var batch = 16 << position;
                    grid.Final(1e-4 * Math.Pow(4, line) * batch, batch, 0, 0.5 + 0.01 * (level + normal.Next()));
                }
            }
            return grid.Build();
        }

        var (holds, fails) = Rates(claim, Grid, seed: 7);

        Assert.True(holds <= Allowed, $"holds in {holds:P2} at the bound (allowed {Allowed:P2})");
        Assert.True(fails <= Allowed, $"fails in {fails:P2} at the bound (allowed {Allowed:P2})");
    }

    [Fact]
    public void An_effect_as_large_as_the_stated_minimum_detectable_effect_is_decided_with_the_stated_power()
    {
        // What the inconclusive messages state for this design (5 paired seeds, 2 strata) when there is no effect ...
        var normal = new Normal(5);
        var stated = new List<double>();
        for (var i = 0; i < 400; i++)
            if (SmallBatchBetter.Check(PairedGrid(normal, 5, 0)) is { Verdict: Verdict.Inconclusive } r) stated.Add(r.Numbers["mde"]);
        var mde = stated.Order().ElementAt(stated.Count / 2);
        output.WriteLine($"median stated minimum detectable effect {mde:G4} over {stated.Count} inconclusive verdicts");

        // ... is the effect that holds in about 80% of experiments.
        var (holds, fails) = Rates(SmallBatchBetter, n => PairedGrid(n, 5, mde), seed: 6, count: 1000);

        Assert.InRange(holds, Decision.Power - 0.08, Decision.Power + 0.08);
        Assert.Equal(0, fails);
    }
}
