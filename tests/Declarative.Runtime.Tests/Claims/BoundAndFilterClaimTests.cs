using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>The bound claims (AtLeast / AtMost) for each verdict, and the <c>where</c> filter of monotone and invariance claims.</summary>
public sealed class BoundAndFilterClaimTests
{
    private static GridResults GridOf(Func<double, int, int, double> accuracy)
    {
        var grid = new GridResults();
        foreach (var lr in new[] { 0.01, 0.05, 0.2 })
        foreach (var batch in new[] { 32, 128, 512 })
        for (var seed = 0; seed < 2; seed++)
            grid.Final(lr, batch, seed, accuracy(lr, batch, seed));
        return grid;
    }

    private static readonly Claim AccuracyAboveHalf = Expect.AtLeast(r => r.Final(m => m.TestAccuracy), 0.5).Named(nameof(AccuracyAboveHalf));
    private static readonly Claim AccuracyBelowHalf = Expect.AtMost(r => r.Final(m => m.TestAccuracy), 0.5).Named(nameof(AccuracyBelowHalf));

    [Fact]
    public void At_least_holds_when_the_interval_clears_the_bound()
    {
        var result = AccuracyAboveHalf.Check(GridOf((lr, b, s) => 0.8 + 0.01 * s).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(18, result.Numbers["n"]);
        Assert.True(result.Numbers["lower"] > 0.5);
    }

    [Fact]
    public void At_least_is_inconclusive_when_the_mean_is_above_the_bound_but_the_interval_is_not()
    {
        var result = AccuracyAboveHalf.Check(GridOf((lr, b, s) => s == 0 ? 0.3 : 0.75).Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.True(result.Numbers["mean"] > 0.5, "the mean alone is above the bound; the interval is not");
        Assert.True(result.Numbers["seedsToDecide"] > 2);
    }

    [Fact]
    public void At_least_fails_when_the_interval_lies_below_the_bound()
    {
        var result = AccuracyAboveHalf.Check(GridOf((lr, b, s) => 0.3 + 0.01 * s).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["upper"] < 0.5);
    }

    [Fact]
    public void At_most_holds_below_and_is_inconclusive_with_one_seed_per_point()
    {
        Assert.Equal(Verdict.Holds, AccuracyBelowHalf.Check(GridOf((lr, b, s) => 0.2 + 0.01 * s).Build()).Verdict);

        var single = AccuracyBelowHalf.Check(new GridResults().Final(0.01, 32, 0, 0.1).Final(0.01, 128, 0, 0.1).Final(0.01, 128, 1, 0.1, TrialStatus.Diverged).Build());
        Assert.Equal(Verdict.Inconclusive, single.Verdict);
        Assert.Contains("1 diverged", single.Evidence);
        Assert.Contains("1 seed, 2 needed", single.Evidence);
    }

    [Fact]
    public void Where_restricts_a_monotone_claim_to_the_selected_points()
    {
        // accuracy falls with batch size at small learning rates and rises at the largest one
        var grid = GridOf((lr, b, s) => (lr < 0.1 ? 0.9 - 0.0005 * b : 0.5 + 0.0005 * b) + 0.001 * s).Build();
        var everywhere = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize).Named("Everywhere");
        var smallRates = Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, where: p => p.LearningRate < 0.1).Named("SmallRates");

        Assert.NotEqual(Verdict.Holds, everywhere.Check(grid).Verdict);
        var result = smallRates.Check(grid);
        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(12, result.Numbers["trials"]);
        Assert.Equal(6, result.Numbers["outside"]);
        Assert.Contains("LearningRate < 0.1", result.Statement);
    }

    [Fact]
    public void Where_restricts_an_invariance_claim()
    {
        // along each line of equal lr/B the accuracy is equal except at the largest learning rate
        var grid = new GridResults();
        foreach (var ratio in new[] { 1e-4, 4e-4, 1.6e-3 })
        foreach (var batch in new[] { 32, 64, 128, 256 })
            grid.Final(ratio * batch, batch, 0, ratio * batch > 0.1 ? 0.2 + ratio * 100 : 0.6 + ratio * 100 + (batch == 64 ? 0.001 : 0));
        var data = grid.Build();
        var all = Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.NoiseRatio).Named("All");
        var moderate = Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.NoiseRatio, where: p => p.LearningRate <= 0.1).Named("Moderate");

        Assert.NotEqual(Verdict.Holds, all.Check(data).Verdict);
        var result = moderate.Check(data);
        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Contains("regime: 8 trials in, 4 out", result.Evidence);
    }

    [Fact]
    public void Mean_and_fraction_of_a_series()
    {
        var rows = new[] { 1.0, 2.0, 3.0, 6.0 }.Select((d, i) => new GridMetrics(i + 1, 0, null, d, null, null)).ToArray();
        var trial = new TrialResult<GridPoint, GridMetrics>("t", new GridPoint(0.1, 32), 0, rows);

        Assert.Equal(3.0, trial.Mean(m => m.DistanceFromInit));
        Assert.Equal(0.5, trial.Fraction(m => m.DistanceFromInit, d => d > 2));
        Assert.True(double.IsNaN(trial.Mean(m => m.TestAccuracy)));
        Assert.True(double.IsNaN(trial.Fraction(m => m.TestAccuracy, a => a > 0)));
    }
}
