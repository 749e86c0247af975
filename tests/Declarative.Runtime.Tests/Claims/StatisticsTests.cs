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
    public void Welch_interval_matches_a_hand_computation()
    {
        // Means 2 and 5, variances 1 and 1, n = 3 each: se = sqrt(2/3), df = 4.
        var (difference, lower, upper, df) = Statistics.WelchInterval([1, 2, 3], [4, 5, 6]);

        Assert.Equal(-3, difference, 12);
        Assert.Equal(4, df, 10);
        Assert.Equal(-3 - 2.7764451 * Math.Sqrt(2.0 / 3), lower, 5);
        Assert.Equal(-3 + 2.7764451 * Math.Sqrt(2.0 / 3), upper, 5);
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
