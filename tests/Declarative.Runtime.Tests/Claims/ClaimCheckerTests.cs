using System.Text;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Snapshooter.Xunit;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>
/// Each claim kind on crafted results, once for each verdict (holds, fails, inconclusive), including the two
/// regression cases of issue 15: an interval that straddles zero is inconclusive, and an effect that holds
/// within every stratum holds although pooling over the other axis would hide it. The evidence is snapshot-tested.
/// </summary>
public sealed class ClaimCheckerTests
{
    private static readonly double[] Rates = [0.01, 0.05, 0.2];
    private static readonly int[] Batches = [32, 128, 512];

    /// <summary>A 3 × 3 grid, two seeds, whose final accuracy is <paramref name="accuracy"/>(lr, batch, seed).</summary>
    private static GridResults GridOf(Func<double, int, int, double> accuracy, int seeds = 2)
    {
        var grid = new GridResults();
        foreach (var lr in Rates)
        foreach (var batch in Batches)
        for (var seed = 0; seed < seeds; seed++)
            grid.Final(lr, batch, seed, accuracy(lr, batch, seed));
        return grid;
    }

    // ---- monotone (stratified Spearman)

    private static readonly Claim AccuracyFallsWithBatch =
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize).Named(nameof(AccuracyFallsWithBatch));

    /// <summary>Accuracy is driven by the learning rate (0.3 per unit) and falls slightly with the batch at every rate, plus seed noise.</summary>
    private static GridResults RateDominated() =>
        GridOf((lr, b, s) => 0.5 + 2 * lr - 0.00002 * b + (s == 0 ? 0.0012 : -0.0012) * (b == 128 ? -1 : 1));

    [Fact]
    public void Monotone_holds_when_the_value_falls_within_every_stratum()
    {
        var result = AccuracyFallsWithBatch.Check(GridOf((lr, b, s) => 0.9 - 0.0001 * b + 0.001 * s).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(3, result.Numbers["strata"]);
        Assert.True(result.Numbers["upper"] < 0);
        Assert.Contains("LearningRate=0.01", result.Evidence);
    }

    [Fact]
    public void Monotone_fails_when_the_interval_lies_on_the_other_side()
    {
        var result = AccuracyFallsWithBatch.Check(GridOf((lr, b, s) => 0.8 + 0.0001 * b + 0.001 * s).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["lower"] > 0);
    }

    [Fact]
    public void Monotone_is_inconclusive_when_the_interval_contains_zero_and_states_the_seeds_needed()
    {
        var grid = new GridResults()
            .Final(0.01, 32, 0, 0.80).Final(0.01, 32, 1, 0.70).Final(0.01, 128, 0, 0.78).Final(0.01, 128, 1, 0.72)
            .Final(0.01, 512, 0, 0.71).Final(0.01, 512, 1, 0.75);

        var result = AccuracyFallsWithBatch.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.True(result.Numbers["lower"] < 0 && result.Numbers["upper"] > 0);
        Assert.Contains("minimum detectable effect", result.Evidence);
        Assert.True(result.Numbers["seedsToDecide"] > 2);
    }

    [Fact]
    public void Monotone_holds_within_strata_although_pooling_over_the_other_axis_hides_it()
    {
        var data = RateDominated().Build();
        var pooled = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, within: p => 0).Named("Pooled");

        var stratified = AccuracyFallsWithBatch.Check(data);
        var together = pooled.Check(data);

        Assert.Equal(Verdict.Holds, stratified.Verdict);
        Assert.NotEqual(Verdict.Holds, together.Verdict);
        Assert.Contains("within each value of 0", pooled.Statement);
    }

    [Fact]
    public void Monotone_is_inconclusive_with_too_few_trials_and_counts_the_diverged_ones()
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
    public void A_quantity_of_two_axes_is_correlated_over_the_whole_grid()
    {
        var claim = Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.NoiseRatio).Named("Ratio");

        var result = claim.Check(GridOf((lr, b, s) => 0.5 + 10 * lr / b + 0.0001 * s).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(1, result.Numbers["strata"]);
        Assert.Contains("nothing (every axis moves", result.Evidence);
    }

    [Fact]
    public void Smallest_correlation_of_interest_makes_a_weak_trend_fail()
    {
        var claim = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minRho: 0.9).Named("Strong");
        // within every rate the accuracy hardly follows the batch: one of three batches is out of order
        var result = claim.Check(GridOf((lr, b, s) => 0.8 + (b == 128 ? 0.01 : b == 32 ? 0.005 : 0) + 0.0001 * s, seeds: 6).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["upper"] > -0.9 && result.Numbers["lower"] > -0.9);
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
    }

    [Fact]
    public void Fit_fails_when_no_trial_is_linear_in_log_step()
    {
        var result = DistanceGrowsLogarithmically.Check(Distances((t, s) => t / 100 % 2 == 0 ? 1 + 0.1 * s : 5).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.Equal(0, result.Numbers["passing"]);
    }

    [Fact]
    public void Fit_is_inconclusive_when_one_trial_of_three_is_not_linear()
    {
        var result = DistanceGrowsLogarithmically.Check(Distances((t, s) => s == 2 ? (t / 100 % 2 == 0 ? 1 : 5) : Math.Log(t)).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
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

    // ---- comparison (stratified, paired by seed)

    private static readonly Claim SmallBatchGeneralisesBetter =
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512).Named(nameof(SmallBatchGeneralisesBetter));

    /// <summary>One learning rate; the two batch sizes with the given seeds 0, 1, … each (shared seeds pair).</summary>
    private static GridResults Pair(double[] small, double[] large, int largeSeedOffset = 0)
    {
        var grid = new GridResults();
        for (var i = 0; i < small.Length; i++) grid.Final(0.05, 32, i, small[i]);
        for (var i = 0; i < large.Length; i++) grid.Final(0.05, 512, i + largeSeedOffset, large[i]);
        return grid;
    }

    /// <summary>Issue 15's F1 case: at each learning rate the batches are far apart; the rate's own effect is larger.</summary>
    private static GridResults TravelGrid()
    {
        var grid = new GridResults();
        foreach (var (lr, small, large) in new[] { (0.02, 4.91, 2.69), (0.1, 10.48, 4.30) })
        for (var seed = 0; seed < 2; seed++)
        {
            var noise = seed == 0 ? 0.02 : -0.02;
            grid.Final(lr, 32, seed, small + noise).Final(lr, 512, seed, large - noise);
        }
        return grid;
    }

    [Fact]
    public void Comparison_holds_when_the_interval_is_above_zero()
    {
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79], largeSeedOffset: 10).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(0.05, result.Numbers["difference"], 10);
        // Welch (no shared seeds), equal variances and sizes: df = 4, t(0.975, 4) = 2.7764, se = sqrt(2 · 0.0001 / 3).
        Assert.Equal(0.05 - 2.776445 * Math.Sqrt(2 * 0.0001 / 3), result.Numbers["lower"], 5);
    }

    [Fact]
    public void Comparison_pairs_by_seed_when_both_sides_share_seeds()
    {
        // the seed moves both sides alike; the per-seed difference is 0.01 ± 0.001
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.511, 0.909, 0.711], [0.50, 0.90, 0.70]).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Contains("3 seed pairs", result.Evidence);
        var unpaired = SmallBatchGeneralisesBetter.Check(Pair([0.511, 0.909, 0.711], [0.50, 0.90, 0.70], largeSeedOffset: 10).Build());
        Assert.Equal(Verdict.Inconclusive, unpaired.Verdict);
    }

    [Fact]
    public void Comparison_is_inconclusive_when_the_interval_straddles_zero()
    {
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.85, 0.81], [0.82, 0.83]).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.True(result.Numbers["lower"] < 0 && result.Numbers["upper"] > 0);
        Assert.True(result.Numbers["mde"] > 0);
        Assert.Contains("minimum detectable effect at 2 seeds per point", result.Evidence);
        Assert.Contains("seeds per point would decide it", result.Evidence);
    }

    [Fact]
    public void Comparison_fails_when_the_interval_lies_below_zero()
    {
        var result = SmallBatchGeneralisesBetter.Check(Pair([0.80, 0.81, 0.79], [0.85, 0.86, 0.84], largeSeedOffset: 10).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["upper"] < 0);
    }

    [Fact]
    public void Comparison_with_a_smallest_effect_fails_when_the_interval_lies_below_it()
    {
        var claim = Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512, minEffect: 0.1).Named("ByATenth");

        var result = claim.Check(Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79], largeSeedOffset: 10).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["lower"] > 0, "the difference is real but smaller than the effect of interest");
    }

    [Fact]
    public void Comparison_holds_within_strata_although_pooling_over_the_learning_rate_hides_it()
    {
        var claim = Expect.Greater(r => r.Final(m => m.DistanceFromInit), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512).Named("Travels");
        var pooled = Expect.Greater(r => r.Final(m => m.DistanceFromInit), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512, within: p => 0).Named("Pooled");
        var data = Travel(TravelGrid());

        var stratified = claim.Check(data);
        var together = pooled.Check(data);

        Assert.Equal(Verdict.Holds, stratified.Verdict);
        Assert.Equal(2, stratified.Numbers["strata"]);
        Assert.Contains("LearningRate=0.02: 4.91 vs 2.69", stratified.Evidence);
        Assert.Equal(Verdict.Inconclusive, together.Verdict);
    }

    /// <summary>The grid's accuracies as distances from init (the F1 metric).</summary>
    private static Runtime.Reports.ExperimentResults Travel(GridResults grid)
    {
        var built = grid.Build();
        return built with { Rows = built.Rows.Select(r => new MetricSample(r.TrialId, r.Step, r.Epoch, [null, r.GetValue(2), null, null], r.Vectors)).ToArray() };
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

    // ---- equivalence and non-inferiority

    private static readonly Claim SameAccuracy =
        Expect.Equivalent(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512, margin: 0.01).Named(nameof(SameAccuracy));

    private static readonly Claim SmallBatchNotWorse =
        Expect.NotLower(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512, margin: 0.01).Named(nameof(SmallBatchNotWorse));

    [Fact]
    public void Equivalence_holds_when_the_interval_lies_inside_the_margin()
    {
        var result = SameAccuracy.Check(Pair([0.851, 0.862, 0.843], [0.850, 0.860, 0.842]).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.True(result.Numbers["lower"] > -0.01 && result.Numbers["upper"] < 0.01);
        Assert.Contains("two one-sided tests", SameAccuracy.Statement);
    }

    [Fact]
    public void Equivalence_fails_when_the_interval_lies_beyond_the_margin()
    {
        Assert.Equal(Verdict.Fails, SameAccuracy.Check(Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79]).Build()).Verdict);
    }

    [Fact]
    public void Equivalence_is_inconclusive_when_no_difference_is_seen_but_the_interval_is_wide()
    {
        var result = SameAccuracy.Check(Pair([0.85, 0.75], [0.80, 0.80], largeSeedOffset: 10).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Equal(0, result.Numbers["difference"], 12);
    }

    [Fact]
    public void Non_inferiority_holds_fails_and_is_inconclusive_against_the_margin()
    {
        Assert.Equal(Verdict.Holds, SmallBatchNotWorse.Check(Pair([0.849, 0.859, 0.841], [0.850, 0.860, 0.842]).Build()).Verdict);
        Assert.Equal(Verdict.Fails, SmallBatchNotWorse.Check(Pair([0.80, 0.81, 0.79], [0.85, 0.86, 0.84]).Build()).Verdict);
        Assert.Equal(Verdict.Inconclusive, SmallBatchNotWorse.Check(Pair([0.85, 0.78], [0.82, 0.82], largeSeedOffset: 10).Build()).Verdict);
    }

    // ---- invariance (F ratio along / across)

    private static readonly Claim AccuracyDependsOnlyOnNoiseRatio =
        Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.NoiseRatio).Named(nameof(AccuracyDependsOnlyOnNoiseRatio));

    /// <summary>Three lines of equal lr/B (1e-4, 4e-4, 1.6e-3), four points each; accuracy = level of the line + <paramref name="along"/>·(position on the line).</summary>
    private static GridResults Lines(double[] levels, double along)
    {
        var grid = new GridResults();
        for (var line = 0; line < 3; line++)
        for (var position = 0; position < 4; position++)
        {
            var batch = 16 << position;
            var ratio = 1e-4 * Math.Pow(4, line);
            grid.Final(ratio * batch, batch, 0, levels[line] + along * (position % 2 == 0 ? position : -position));
        }
        return grid;
    }

    [Fact]
    public void Invariance_holds_when_the_value_varies_across_lines_and_hardly_along_them()
    {
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines([0.70, 0.80, 0.90], 0.001).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(3, result.Numbers["groups"]);
        Assert.True(result.Numbers["upper"] < 0.25);
    }

    [Fact]
    public void Invariance_fails_when_the_value_varies_along_the_lines_as_much_as_across()
    {
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines([0.80, 0.801, 0.802], 0.05).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["lower"] > 0.25);
    }

    [Fact]
    public void Invariance_cannot_pass_on_a_grid_whose_whole_spread_is_small()
    {
        // every value within 0.3% of the others: the old 5% tolerance passed this; nothing varies across lines either
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines([0.800, 0.801, 0.800], 0.001).Build());

        Assert.NotEqual(Verdict.Holds, result.Verdict);
    }

    [Fact]
    public void Invariance_is_inconclusive_when_the_interval_straddles_the_bound()
    {
        var result = AccuracyDependsOnlyOnNoiseRatio.Check(Lines([0.70, 0.80, 0.90], 0.03).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("F degrees of freedom", result.Evidence);
    }

    [Fact]
    public void Invariance_is_inconclusive_with_a_single_line()
    {
        var grid = new GridResults().Final(0.01, 32, 0, 0.8).Final(0.04, 128, 0, 0.7).Final(0.16, 512, 0, 0.8, TrialStatus.Diverged);

        var result = AccuracyDependsOnlyOnNoiseRatio.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("1 diverged", result.Evidence);
    }

    // ---- regimes

    [Fact]
    public void A_regime_on_results_keeps_the_trials_meeting_it_and_counts_the_rest()
    {
        // accuracy falls with the batch among the trials that reached 0.5; the others (lr 0.01) are noise
        var claim = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, when: r => r.Final(m => m.TestAccuracy) > 0.5).Named("Trained");
        var data = GridOf((lr, b, s) => lr == 0.01 ? 0.1 + 0.0001 * b + 0.01 * s : 0.9 - 0.0001 * b + 0.001 * s).Build();

        var result = claim.Check(data);

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(6, result.Numbers["outside"]);
        Assert.Contains("regime: 12 trials in, 6 out", result.Evidence);
        Assert.Contains("in trials where final TestAccuracy > 0.5", result.Statement);
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
        Assert.StartsWith("final TestAccuracy decreases with BatchSize: Spearman ρ over the finished trials", AccuracyFallsWithBatch.Statement);
        Assert.StartsWith("DistanceFromInit is linear in ln(step)", DistanceGrowsLogarithmically.Statement);
        Assert.StartsWith("final TestAccuracy is higher where BatchSize == 32 than where BatchSize == 512: the difference (first minus second) is taken within each level", SmallBatchGeneralisesBetter.Statement);
        Assert.StartsWith("final TestAccuracy depends on the sweep only through NoiseRatio", AccuracyDependsOnlyOnNoiseRatio.Statement);
        Assert.StartsWith("peak BatchLoss increases with LearningRate / BatchSize",
            Expect.Increasing(r => r.Peak(m => m.BatchLoss), by: p => p.LearningRate / p.BatchSize).Statement);
    }

    [Fact]
    public void Thresholds_outside_their_range_are_refused_with_the_fix()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minRho: 1));
        Assert.Contains("smallest |ρ| of interest", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Greater(r => r.Final(m => m.TestAccuracy), p => true, p => false, confidence: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Greater(r => r.Final(m => m.TestAccuracy), p => true, p => false, minEffect: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Equivalent(r => r.Final(m => m.TestAccuracy), p => true, p => false, margin: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Expect.Invariant(r => r.Final(m => m.TestAccuracy), p => p.NoiseRatio, maxRatio: 0));
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
        Assert.Equal(1000, trial.LastStep(m => m.BatchLoss));
        Assert.Equal(300, trial.LastStep(m => m.DistanceFromInit));
        Assert.Equal(9, trial.Final(m => m.DistanceFromInit));
        Assert.Single(trial.Series(m => m.DistanceFromInit));
        Assert.True(double.IsNaN(trial.Final(m => m.TestAccuracy)));
        Assert.True(double.IsNaN(trial.LastStep(m => m.TestAccuracy)));
    }

    /// <summary>Every kind and verdict above, as a reader of the report would see them.</summary>
    [Fact]
    public void Claim_results_match_snapshot()
    {
        var cases = new (Claim Claim, Runtime.Reports.ExperimentResults Data)[]
        {
            (AccuracyFallsWithBatch, GridOf((lr, b, s) => 0.9 - 0.0001 * b + 0.001 * s).Build()),
            (AccuracyFallsWithBatch, GridOf((lr, b, s) => 0.8 + 0.0001 * b + 0.001 * s).Build()),
            (AccuracyFallsWithBatch, RateDominated().Build()),
            (AccuracyFallsWithBatch, new GridResults().Final(0.01, 32, 0, 0.9).Final(0.01, 128, 0, 0.8).Final(0.01, 512, 0, 0.1, TrialStatus.Diverged).Build()),
            (DistanceGrowsLogarithmically, Distances((t, s) => 0.5 * Math.Log(t) + 0.1 * s + 0.001 * Math.Sin(t)).Build()),
            (DistanceGrowsLogarithmically, Distances((t, s) => t / 100 % 2 == 0 ? 1 + 0.1 * s : 5).Build()),
            (DistanceGrowsLogarithmically, Distances((t, s) => s == 2 ? (t / 100 % 2 == 0 ? 1 : 5) : Math.Log(t)).Build()),
            (SmallBatchGeneralisesBetter, Pair([0.85, 0.86, 0.84], [0.80, 0.81, 0.79], largeSeedOffset: 10).Build()),
            (SmallBatchGeneralisesBetter, Pair([0.85, 0.81], [0.82, 0.83]).Build()),
            (SmallBatchGeneralisesBetter, Pair([0.80, 0.81, 0.79], [0.85, 0.86, 0.84], largeSeedOffset: 10).Build()),
            (SmallBatchGeneralisesBetter, Pair([0.85], [0.80, 0.81]).Final(0.05, 32, 7, 0.1, TrialStatus.Diverged).Build()),
            (SameAccuracy, Pair([0.851, 0.862, 0.843], [0.850, 0.860, 0.842]).Build()),
            (SameAccuracy, Pair([0.85, 0.75], [0.80, 0.80], largeSeedOffset: 10).Build()),
            (SmallBatchNotWorse, Pair([0.80, 0.81, 0.79], [0.85, 0.86, 0.84]).Build()),
            (AccuracyDependsOnlyOnNoiseRatio, Lines([0.70, 0.80, 0.90], 0.001).Build()),
            (AccuracyDependsOnlyOnNoiseRatio, Lines([0.80, 0.801, 0.802], 0.05).Build()),
            (AccuracyDependsOnlyOnNoiseRatio, Lines([0.70, 0.80, 0.90], 0.03).Build()),
        };
        var text = new StringBuilder();
        foreach (var (claim, data) in cases)
        {
            var result = claim.Check(data);
            text.Append(result.Name).Append(": ").Append(result.Verdict).Append('\n')
                .Append("  statement: ").Append(result.Statement).Append('\n')
                .Append("  evidence: ").Append(result.Evidence).Append("\n\n");
        }
        Snapshot.Match(text.ToString());
    }
}
