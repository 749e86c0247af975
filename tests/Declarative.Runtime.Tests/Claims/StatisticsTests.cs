using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>The statistics behind the verdicts, against values from tables and hand computation.</summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(0.975, 1, 12.7062047)]
    [InlineData(0.975, 4, 2.7764451)]
    [InlineData(0.975, 10, 2.2281389)]
    [InlineData(0.95, 30, 1.6972609)]
    [InlineData(0.025, 4, -2.7764451)]
    public void Student_t_quantiles_match_the_tables(double p, double df, double expected) =>
        Assert.Equal(expected, Statistics.StudentTQuantile(p, df), 5);

    [Fact]
    public void Spearman_uses_ranks_and_averages_ties()
    {
        Assert.Equal(0.8, Statistics.Spearman([1, 2, 3, 4], [1, 3, 2, 4]), 12);
        Assert.Equal(-1, Statistics.Spearman([1, 2, 3], [10, 5, 1]), 12);
        Assert.Equal([1, 2.5, 2.5, 4], Statistics.Ranks([1, 5, 5, 9]));
        Assert.True(double.IsNaN(Statistics.Spearman([1, 2, 3], [4, 4, 4])));
    }

    [Fact]
    public void Welch_difference_matches_a_hand_computation()
    {
        // Means 2 and 5, variances 1 and 4, n = 3 each: variance of the difference 1/3 + 4/3, df = (5/3)² / ((1/9 + 16/9) / 2) = 50/17.
        var (difference, variance, df) = Statistics.Welch([1, 2, 3], [3, 5, 7]);

        Assert.Equal(-3, difference, 12);
        Assert.Equal(5.0 / 3, variance, 12);
        Assert.Equal(50.0 / 17, df, 10);
    }

    [Theory]
    [InlineData(0.975, 5, 2, 39.298)]
    [InlineData(0.025, 5, 2, 0.11857)]
    [InlineData(0.95, 4, 10, 3.4780)]
    public void F_quantiles_match_the_tables(double p, double d1, double d2, double expected) =>
        Assert.Equal(expected, Statistics.FQuantile(p, d1, d2), 3);

    [Fact]
    public void Signed_rank_interval_uses_the_exact_distribution()
    {
        // n = 6: P(T ≤ 0) = 1/64 ≤ 0.025 < P(T ≤ 1) = 2/64, so k = 1: the interval spans the smallest and largest Walsh averages.
        var (estimate, lower, upper) = Statistics.SignedRankInterval([1, 2, 3, 4, 5, 6]);
        Assert.Equal(3.5, estimate, 12);
        Assert.Equal(1, lower, 12);
        Assert.Equal(6, upper, 12);
        // n = 5: P(T ≤ 0) = 1/32 > 0.025, so nothing can be excluded.
        var few = Statistics.SignedRankInterval([1, 2, 3, 4, 5]);
        Assert.True(double.IsNegativeInfinity(few.Lower) && double.IsPositiveInfinity(few.Upper));
        // n = 10: k = 9 (P(T ≤ 8) = 0.0244, P(T ≤ 9) = 0.0322), the 9th smallest and largest of 55 Walsh averages.
        var ten = Statistics.SignedRankInterval(Enumerable.Range(1, 10).Select(i => (double)i).ToArray());
        Assert.Equal(3, ten.Lower, 12);
        Assert.Equal(8, ten.Upper, 12);
    }

    [Fact]
    public void Linear_fit_recovers_slope_intercept_and_r2()
    {
        var (slope, intercept, r2) = Statistics.LinearFit([0, 1, 2, 3], [1, 3, 5, 7]);

        Assert.Equal(2, slope, 12);
        Assert.Equal(1, intercept, 12);
        Assert.Equal(1, r2, 12);
        Assert.Equal(0.25, Statistics.LinearFit([1, 2, 3], [1, 3, 2]).R2, 12);
    }
}
