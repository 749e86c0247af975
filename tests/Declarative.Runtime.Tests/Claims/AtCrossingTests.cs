using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>
/// <see cref="TrialResult{TPoint, TMetrics}.AtCrossing"/>: a metric read where another one first reaches a level, interpolated
/// between the rows on either side, so that trials are compared at the same progress rather than at the first sample past it.
/// </summary>
public sealed class AtCrossingTests
{
    private sealed record Row(long Step, int Epoch, double? Accuracy, double? Flipped) : IMetricRow
    {
        public double? GetValue(int column) => column == 0 ? Accuracy : Flipped;
    }

    private static TrialResult<int, Row> Trial(params Row[] rows) => new("t", 0, 0, rows);

    [Fact]
    public void The_value_is_interpolated_between_the_samples_around_an_upward_crossing()
    {
        var trial = Trial(new Row(10, 0, 0.70, 0.10), new Row(20, 1, 0.80, 0.20), new Row(30, 2, 0.90, 0.60), new Row(40, 3, 0.95, 0.80));

        // 0.85 lies halfway between 0.80 and 0.90: halfway between 0.20 and 0.60.
        Assert.Equal(0.40, trial.AtCrossing(m => m.Flipped, m => m.Accuracy, 0.85), 12);
        // Exactly on a sample: that sample's value (the next row is the first at or past the level).
        Assert.Equal(0.60, trial.AtCrossing(m => m.Flipped, m => m.Accuracy, 0.90), 12);
        // Below the first sample's level the crossing is downward and never happens: NaN, not the first value.
        Assert.True(double.IsNaN(trial.AtCrossing(m => m.Flipped, m => m.Accuracy, 0.60)));
    }

    [Fact]
    public void A_downward_crossing_a_first_sample_at_the_level_and_rows_without_both_metrics_are_handled()
    {
        var loss = Trial(new Row(1, 0, 1.0, 5), new Row(2, 0, null, 7), new Row(3, 1, 0.5, 3), new Row(4, 2, 0.2, 1));
        Assert.Equal(4.0, loss.AtCrossing(m => m.Flipped, m => m.Accuracy, 0.75), 12); // the row without the reference is skipped
        Assert.Equal(5.0, loss.AtCrossing(m => m.Flipped, m => m.Accuracy, 1.0), 12);
    }

    [Fact]
    public void A_level_never_reached_is_NaN_so_the_trial_is_left_out()
    {
        var trial = Trial(new Row(1, 0, 0.5, 0.1), new Row(2, 1, 0.6, 0.2));
        Assert.True(double.IsNaN(trial.AtCrossing(m => m.Flipped, m => m.Accuracy, 0.85)));
        Assert.True(double.IsNaN(Trial().AtCrossing(m => m.Flipped, m => m.Accuracy, 0.85)));
    }
}
