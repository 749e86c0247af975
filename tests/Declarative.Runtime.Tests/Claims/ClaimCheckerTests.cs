using System.Text;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Snapshooter.Xunit;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>Each claim kind on crafted results, once for each verdict; the evidence is snapshot-tested as a whole.</summary>
public sealed class ClaimCheckerTests
{
    private static readonly double[] Rates = [0.01, 0.05, 0.2];
    private static readonly int[] Batches = [32, 128, 512];

    /// <summary>A 3 × 3 grid, two seeds, whose final accuracy is <paramref name="accuracy"/>(lr, batch, seed).</summary>
    private static GridResults GridOf(Func<double, int, int, double> accuracy)
    {
        var grid = new GridResults();
        foreach (var lr in Rates)
        foreach (var batch in Batches)
        for (var seed = 0; seed < 2; seed++)
            grid.Final(lr, batch, seed, accuracy(lr, batch, seed));
        return grid;
    }

    // ---- monotone

    private static readonly Claim AccuracyFallsWithBatch =
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minRho: 0.5).Named(nameof(AccuracyFallsWithBatch));

    [Fact]
    public void Monotone_holds_when_the_seed_averaged_value_falls_with_the_quantity()
    {
        var result = AccuracyFallsWithBatch.Check(GridOf((lr, b, s) => 0.9 - 0.0001 * b + 0.01 * s).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(9, result.Numbers["n"]);
        Assert.True(result.Numbers["rho"] < -0.5);
    }

    [Fact]
    public void Monotone_fails_when_the_value_rises_instead()
    {
        var result = AccuracyFallsWithBatch.Check(GridOf((lr, b, s) => 0.8 + 0.0001 * b).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["rho"] > 0);
    }

    [Fact]
    public void Monotone_is_inconclusive_with_too_few_points_and_counts_the_diverged_trials()
    {
        var grid = new GridResults()
            .Final(0.01, 32, 0, 0.9).Final(0.01, 128, 0, 0.8)
            .Final(0.01, 512, 0, 0.1, TrialStatus.Diverged).Final(0.05, 512, 0, 0.1, TrialStatus.Failed);

        var result = AccuracyFallsWithBatch.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("1 diverged", result.Evidence);
        Assert.Contains("1 failed", result.Evidence);
        Assert.Equal(2, result.Numbers["excluded"]);
    }

    [Fact]
    public void Monotone_over_trials_counts_each_seed_separately()
    {
        var claim = Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate, over: MonotoneOver.Trials).Named("PerTrial");

        var result = claim.Check(GridOf((lr, b, s) => 0.7 + lr + 0.001 * s).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(18, result.Numbers["n"]);
        Assert.Contains("over the finished trials", claim.Statement);
    }

    [Fact]
    public void Monotone_is_inconclusive_when_the_quantity_does_not_vary()
    {
        var grid = new GridResults().Final(0.01, 32, 0, 0.9).Final(0.01, 32, 1, 0.8).Final(0.01, 32, 2, 0.7);
        var claim = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, over: MonotoneOver.Trials);

        Assert.Equal(Verdict.Inconclusive, claim.Check(grid.Build()).Verdict);
    }

    // ---- fit in ln t

    private static readonly Claim DistanceGrowsLogarithmically =
        Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 0.9).Named(nameof(DistanceGrowsLogarithmically));

    private static GridResults Distances(Func<long, int, double> distance, long steps = 1000)
    {
        var grid = new GridResults();
        for (var seed = 0; seed < 3; seed++)
        {
            var s = seed;
            grid.Trial(0.05, 32, seed, step => (null, distance(step, s), null, null), steps: steps);
        }
        return grid;
    }

    [Fact]
    public void Fit_holds_when_the_series_is_linear_in_log_step()
    {
        var result = DistanceGrowsLogarithmically.Check(Distances((t, s) => 0.5 * Math.Log(t) + 0.1 * s + 0.001 * Math.Sin(t)).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.True(result.Numbers["minR2"] > 0.99);
        Assert.Equal(0.5, result.Numbers["meanSlope"], 2);
    }

    [Fact]
    public void Fit_fails_when_one_trial_is_not_linear_in_log_step()
    {
        var result = DistanceGrowsLogarithmically.Check(Distances((t, s) => s == 2 ? (t / 100 % 2 == 0 ? 1 : 5) : Math.Log(t)).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.Equal(2, result.Numbers["passing"]);
        Assert.Contains("seed 2", result.Evidence);
    }

    [Fact]
    public void Fit_is_inconclusive_when_the_series_are_too_short()
    {
        var result = DistanceGrowsLogarithmically.Check(Distances((t, s) => Math.Log(t), steps: 300).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("3 with fewer than 4 samples", result.Evidence);
    }

    // ---- comparison (Welch)

    private static readonly Claim SmallBatchGeneralisesBetter =
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512).Named(nameof(SmallBatchGeneralisesBetter));

    private static GridResults Pair(double[] small, double[] large)
    {
        var grid = new GridResults();
        for (var i = 0; i < small.Length; i++) grid.Final(0.05, 32, i, small[i]);
        for (var i = 0; i < large.Length; i++) grid.Final(0.05, 512, i, large[i]);
        return grid;
    }

    [Fact]
    public void Comparison_holds_when_the_interval_is_above_zero()
    {
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79]).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(0.05, result.Numbers["difference"], 10);
        // Equal variances and sizes: df = 4, t(0.975, 4) = 2.7764, se = sqrt(2 · 0.0001 / 3).
        Assert.Equal(0.05 - 2.776445 * Math.Sqrt(2 * 0.0001 / 3), result.Numbers["lower"], 5);
    }

    [Fact]
    public void Comparison_fails_when_the_interval_contains_zero()
    {
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.85, 0.80], [0.82, 0.83]).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["lower"] < 0);
    }

    [Fact]
    public void Comparison_is_inconclusive_with_one_finished_seed_on_a_side()
    {
        var grid = Pair([0.85], [0.80, 0.81]).Final(0.05, 32, 7, 0.1, TrialStatus.Diverged);

        var result = SmallBatchGeneralisesBetter.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("1 diverged", result.Evidence);
    }

    [Fact]
    public void Less_is_the_mirror_of_greater()
    {
        var claim = Expect.Less(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 512, than: p => p.BatchSize == 32);

        Assert.Equal(Verdict.Holds, claim.Check(Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79]).Build()).Verdict);
    }

    // ---- invariance

    private static readonly Claim AccuracyDependsOnlyOnNoiseRatio =
        Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.NoiseRatio, relativeTolerance: 0.05).Named(nameof(AccuracyDependsOnlyOnNoiseRatio));

    private static GridResults Lines(double scaled) => new GridResults()
        .Final(0.01, 32, 0, 0.80).Final(0.01, 32, 1, 0.82)
        .Final(0.04, 128, 0, scaled).Final(0.04, 128, 1, scaled)
        .Final(0.05, 32, 0, 0.70).Final(0.2, 128, 0, 0.71)
        .Final(0.05, 512, 0, 0.5);

    [Fact]
    public void Invariance_holds_when_points_with_equal_ratio_agree()
    {
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines(0.815).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(2, result.Numbers["groups"]);
    }

    [Fact]
    public void Invariance_fails_when_a_group_spreads_beyond_the_tolerance()
    {
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines(0.6).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["maxSpread"] > 0.05);
    }

    [Fact]
    public void Invariance_is_inconclusive_when_no_two_points_share_the_key()
    {
        var grid = new GridResults().Final(0.01, 32, 0, 0.8).Final(0.05, 32, 0, 0.7).Final(0.04, 128, 0, 0.8, TrialStatus.Diverged);

        var result = AccuracyDependsOnlyOnNoiseRatio.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("1 diverged", result.Evidence);
    }

    // ---- the contract around every kind

    [Fact]
    public void A_claim_that_throws_is_inconclusive_and_says_why()
    {
        var claim = Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => throw new InvalidOperationException("no such axis")).Named("Broken");

        var result = claim.Check(GridOf((lr, b, s) => 0.8).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("no such axis", result.Evidence);
        Assert.Equal("Broken", result.Name);
    }

    [Fact]
    public void Statements_are_written_from_the_declared_csharp()
    {
        Assert.StartsWith("final TestAccuracy decreases with BatchSize: Spearman ρ ≤ −0.5", AccuracyFallsWithBatch.Statement);
        Assert.StartsWith("DistanceFromInit is linear in ln(step)", DistanceGrowsLogarithmically.Statement);
        Assert.StartsWith("final TestAccuracy is higher where BatchSize == 32 than where BatchSize == 512: the 95% Welch", SmallBatchGeneralisesBetter.Statement);
        Assert.StartsWith("final TestAccuracy is the same at sweep points with equal NoiseRatio", AccuracyDependsOnlyOnNoiseRatio.Statement);
        Assert.StartsWith("peak BatchLoss increases with LearningRate / BatchSize",
            Expect.Increasing(r => r.Peak(m => m.BatchLoss), by: p => p.LearningRate / p.BatchSize).Statement);
    }

    [Fact]
    public void Thresholds_outside_their_range_are_refused_with_the_fix()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minPoints: 2));
        Assert.Contains("at least 3", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Greater(r => r.Final(m => m.TestAccuracy), p => true, p => false, confidence: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Invariant(r => r.Final(m => m.TestAccuracy), p => p.NoiseRatio, relativeTolerance: 0));
    }

    [Fact]
    public void Trial_results_read_final_peak_and_series()
    {
        var grid = new GridResults().Trial(0.05, 32, 0, step => (1000.0 / step, step == 300 ? 9 : null, null, null));
        var results = grid.Build();
        var trial = new TrialResult<GridPoint, GridMetrics>("t", new GridPoint(0.05, 32), 0,
            results.Rows.Select(GridMetrics.FromSample).ToArray());

        Assert.Equal(1, trial.Final(m => m.BatchLoss), 12);
        Assert.Equal(10, trial.Peak(m => m.BatchLoss), 12);
        Assert.Equal(1, trial.Lowest(m => m.BatchLoss), 12);
        Assert.Equal(100, trial.StepOfPeak(m => m.BatchLoss));
        Assert.Equal(9, trial.Final(m => m.DistanceFromInit));
        Assert.Single(trial.Series(m => m.DistanceFromInit));
        Assert.True(double.IsNaN(trial.Final(m => m.TestAccuracy)));
    }

    /// <summary>Every kind and verdict above, as a reader of the report would see them.</summary>
    [Fact]
    public void Claim_results_match_snapshot()
    {
        var cases = new (Claim Claim, GridResults Data)[]
        {
            (AccuracyFallsWithBatch, GridOf((lr, b, s) => 0.9 - 0.0001 * b + 0.01 * s)),
            (AccuracyFallsWithBatch, GridOf((lr, b, s) => 0.8 + 0.0001 * b)),
            (AccuracyFallsWithBatch, new GridResults().Final(0.01, 32, 0, 0.9).Final(0.01, 128, 0, 0.8).Final(0.01, 512, 0, 0.1, TrialStatus.Diverged)),
            (DistanceGrowsLogarithmically, Distances((t, s) => 0.5 * Math.Log(t) + 0.1 * s + 0.001 * Math.Sin(t))),
            (DistanceGrowsLogarithmically, Distances((t, s) => s == 2 ? (t / 100 % 2 == 0 ? 1 : 5) : Math.Log(t))),
            (DistanceGrowsLogarithmically, Distances((t, s) => Math.Log(t), steps: 300)),
            (SmallBatchGeneralisesBetter, Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79])),
            (SmallBatchGeneralisesBetter, Pair([0.85, 0.80], [0.82, 0.83])),
            (SmallBatchGeneralisesBetter, Pair([0.85], [0.80, 0.81]).Final(0.05, 32, 7, 0.1, TrialStatus.Diverged)),
            (AccuracyDependsOnlyOnNoiseRatio, Lines(0.815)),
            (AccuracyDependsOnlyOnNoiseRatio, Lines(0.6)),
            (AccuracyDependsOnlyOnNoiseRatio, new GridResults().Final(0.01, 32, 0, 0.8).Final(0.05, 32, 0, 0.7)),
        };
        var text = new StringBuilder();
        foreach (var (claim, data) in cases)
        {
            var result = claim.Check(data.Build());
            text.Append(result.Name).Append(": ").Append(result.Verdict).Append('\n')
                .Append("  statement: ").Append(result.Statement).Append('\n')
                .Append("  evidence: ").Append(result.Evidence).Append("\n\n");
        }
        Snapshot.Match(text.ToString());
    }
}
