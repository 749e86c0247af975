using Declarative.Runtime.Claims;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>The optimum-location claim (e.g. the best noise scale grows with width) for each verdict.</summary>
public sealed class OptimumClaimTests
{
    private static readonly Claim BestRateGrowsWithBatch =
        Expect.OptimumMoves(r => r.Final(m => m.TestAccuracy), at: p => p.LearningRate, group: p => p.BatchSize).Named(nameof(BestRateGrowsWithBatch));

    private static GridResults GridOf(Func<double, int, double> accuracy)
    {
        var grid = new GridResults();
        foreach (var lr in new[] { 0.01, 0.05, 0.2 })
        foreach (var batch in new[] { 32, 128, 512 })
        for (var seed = 0; seed < 6; seed++)
            grid.Final(lr, batch, seed, accuracy(lr, batch) + 0.001 * seed);
        return grid;
    }

    [Fact]
    public void Holds_when_the_best_rate_moves_up_with_the_batch()
    {
        // the best learning rate is the one closest to batch / 2560: 0.0125, 0.05, 0.2
        var result = BestRateGrowsWithBatch.Check(GridOf((lr, b) => 1 - Math.Abs(Math.Log(lr) - Math.Log(b / 2560.0))).Build());

        Assert.Equal(Verdict.Holds, result.Verdict);
        Assert.Equal(1.0, result.Numbers["rho"], 12);
        Assert.Contains("best at 0.2", result.Evidence);
    }

    [Fact]
    public void Fails_when_the_best_rate_moves_down()
    {
        var result = BestRateGrowsWithBatch.Check(GridOf((lr, b) => 1 - Math.Abs(Math.Log(lr) - Math.Log(6.4 / b))).Build());

        Assert.Equal(Verdict.Fails, result.Verdict);
        Assert.True(result.Numbers["rho"] < 0);
    }

    [Fact]
    public void Is_inconclusive_when_the_seeds_disagree_about_where_the_best_rate_is()
    {
        // the rate curve is flat up to seed noise, so resampled seeds move the optimum around
        var grid = new GridResults();
        foreach (var lr in new[] { 0.01, 0.05, 0.2 })
        foreach (var batch in new[] { 32, 128, 512 })
        for (var seed = 0; seed < 3; seed++)
            grid.Final(lr, batch, seed, 0.8 + 0.01 * Math.Sin(1000 * lr * batch + 7 * seed));

        var result = BestRateGrowsWithBatch.Check(grid.Build());

        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("signed-rank", result.Evidence);
    }

    [Fact]
    public void Is_inconclusive_with_one_seed_per_point()
    {
        var grid = new GridResults();
        foreach (var lr in new[] { 0.01, 0.05, 0.2 })
        foreach (var batch in new[] { 32, 128, 512 })
            grid.Final(lr, batch, 0, 1 - Math.Abs(Math.Log(lr) - Math.Log(batch / 2560.0)));

        var result = BestRateGrowsWithBatch.Check(grid.Build());
        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("CI [−∞, ∞]", result.Evidence); // no interval, shown as unbounded rather than as "Infinity"
    }

    [Fact]
    public void Is_inconclusive_with_too_few_groups()
    {
        var grid = new GridResults().Final(0.01, 32, 0, 0.8).Final(0.05, 32, 0, 0.9).Final(0.01, 128, 0, 0.7).Final(0.05, 128, 0, 0.6);

        Assert.Equal(Verdict.Inconclusive, BestRateGrowsWithBatch.Check(grid.Build()).Verdict);
    }
}
