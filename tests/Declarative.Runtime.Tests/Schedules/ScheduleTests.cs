using Declarative.Runtime.Schedules;

namespace Declarative.Runtime.Tests.Schedules;

public sealed class ScheduleTests
{
    private const double Tolerance = 1e-12;

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(999, 0.1)]
    public void Constant_is_constant(long t, double expected) => Assert.Equal(expected, Schedule.Constant(0.1).At(t, 1000), Tolerance);

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(29, 0.1)]
    [InlineData(30, 0.05)]
    [InlineData(65, 0.025)]
    public void Step_multiplies_by_gamma_every_period(long t, double expected) =>
        Assert.Equal(expected, Schedule.Step(0.1, every: 30, gamma: 0.5).At(t, 100), Tolerance);

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(49, 0.1)]
    [InlineData(50, 0.01)]
    [InlineData(80, 0.001)]
    public void Multi_step_decays_at_milestones(long t, double expected) =>
        Assert.Equal(expected, Schedule.MultiStep(0.1, [80, 50]).At(t, 100), Tolerance);

    [Theory]
    [InlineData(0, 0.1)]
    [InlineData(50, 0.055)] // min + (v - min) / 2
    [InlineData(100, 0.01)]
    [InlineData(25, 0.01 + 0.09 * (1 + 0.70710678118654757) / 2)]
    public void Cosine_anneals_from_value_to_minimum_over_the_run(long t, double expected) =>
        Assert.Equal(expected, Schedule.Cosine(0.1, minimum: 0.01).At(t, 100), Tolerance);

    [Fact]
    public void Warmup_rises_linearly_to_the_schedule_then_follows_it()
    {
        var cosine = Schedule.Cosine(0.1, 0.01);
        var warmup = Schedule.Warmup(10, cosine);
        var atEnd = 0.01 + 0.09 * (1 + Math.Cos(Math.PI * 10 / 110)) / 2;
        Assert.Equal(0, warmup.At(0, 110), Tolerance);
        Assert.Equal(atEnd / 2, warmup.At(5, 110), Tolerance);
        Assert.Equal(atEnd, warmup.At(10, 110), Tolerance);
        Assert.Equal(cosine.At(60, 110), warmup.At(60, 110), Tolerance);
    }

    [Fact]
    public void Warmup_to_a_constant_at_chosen_steps()
    {
        var warmup = Schedule.Warmup(4, 0.2, startFactor: 0.25);
        Assert.Equal(0.05, warmup.At(0, 100), Tolerance);
        Assert.Equal(0.0875, warmup.At(1, 100), Tolerance);
        Assert.Equal(0.2, warmup.At(4, 100), Tolerance);
        Assert.Equal(0.2, warmup.At(50, 100), Tolerance);
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(5, 0.055)]
    [InlineData(10, 0.1)]
    [InlineData(15, 0.055)]
    [InlineData(20, 0.01)]
    [InlineData(30, 0.1)]
    public void Triangular_cycles_between_low_and_high(long t, double expected) =>
        Assert.Equal(expected, Schedule.Triangular(0.01, 0.1, halfPeriod: 10).At(t, 100), Tolerance);

    [Fact]
    public void Scaled_multiplies_every_value()
    {
        var scaled = Schedule.Step(0.1, 10, 0.5).Scaled(2);
        Assert.Equal(0.2, scaled.At(0, 100), Tolerance);
        Assert.Equal(0.1, scaled.At(10, 100), Tolerance);
    }

    [Fact]
    public void Batch_size_schedule_rounds_and_clamps_per_epoch()
    {
        var doubling = new BatchSizeSchedule(Schedule.Step(32, every: 2, gamma: 2));
        Assert.Equal([32, 32, 64, 64, 128, 128], Enumerable.Range(0, 6).Select(e => doubling.At(e, 6, 1000)).ToArray());
        Assert.Equal(100, doubling.At(10, 12, 100));
        var warmup = new BatchSizeSchedule(Schedule.Warmup(4, 256, startFactor: 0.125));
        Assert.Equal([32, 88, 144, 200, 256, 256], Enumerable.Range(0, 6).Select(e => warmup.At(e, 6, 10_000)).ToArray());
        var cyclic = new BatchSizeSchedule(Schedule.Triangular(16, 64, halfPeriod: 2));
        Assert.Equal([16, 40, 64, 40, 16], Enumerable.Range(0, 5).Select(e => cyclic.At(e, 5, 10_000)).ToArray());
    }
}
