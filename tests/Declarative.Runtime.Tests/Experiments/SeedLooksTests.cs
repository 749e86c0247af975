using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Tests.Experiments;

/// <summary>The looks of a seed range are fixed by the declaration, and each look's level is the claim's split over them.</summary>
public sealed class SeedLooksTests
{
    [Theory]
    [InlineData(2, 8, new[] { 2, 4, 8 })]
    [InlineData(3, 8, new[] { 3, 6, 8 })]
    [InlineData(2, 5, new[] { 2, 4, 5 })]
    [InlineData(1, 2, new[] { 1, 2 })]
    [InlineData(4, 32, new[] { 4, 8, 16, 32 })]
    public void A_seed_range_looks_at_the_minimum_doubling_up_to_the_maximum(int min, int max, int[] looks)
    {
        var settings = new ExperimentSettings(1, max, 0, 0, MinSeeds: min);

        Assert.True(settings.AdaptiveSeeds);
        Assert.Equal(looks, settings.SeedLooks());
        Assert.Contains($"{min} to {max} seeds per point (adaptive: looks at {string.Join(", ", looks)})", settings.Describe());
    }

    [Fact]
    public void A_fixed_seed_count_is_one_look_at_the_claims_own_level()
    {
        var settings = new ExperimentSettings(1, 3, 0, 0);

        Assert.False(settings.AdaptiveSeeds);
        Assert.Equal([3], settings.SeedLooks());
        Assert.Equal(0.95, Look.Only.Confidence(0.95));
        Assert.Equal("", Look.Only.Describe(0.95));
    }

    [Fact]
    public void Each_of_L_looks_tests_at_the_nominal_level_over_L_per_side()
    {
        var look = new Look(2, 3);

        Assert.Equal(1 - 0.05 / 3, look.Confidence(0.95), 12);
        Assert.Equal("look 2 of 3; each look tests at 0.833% per side, Bonferroni over the 3 planned looks", look.Describe(look.Confidence(0.95)));
    }
}
