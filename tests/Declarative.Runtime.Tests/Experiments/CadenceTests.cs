using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Tests.Experiments;

public sealed class CadenceTests
{
    private static long[] DueSteps(Cadence cadence, long total, long epochLength) =>
        Enumerable.Range(1, (int)total).Select(s => (long)s)
            .Where(s => cadence.IsDue(s, s % epochLength == 0, s == total)).ToArray();

    [Fact]
    public void Every_n_steps_and_the_last() => Assert.Equal([3L, 6L, 9L, 10L], DueSteps(Cadence.Every(3), 10, 100));

    [Fact]
    public void At_epoch_end() => Assert.Equal([4L, 8L, 10L], DueSteps(Cadence.AtEpochEnd(), 10, 4));

    [Fact]
    public void At_end_only() => Assert.Equal([10L], DueSteps(Cadence.AtEnd(), 10, 4));

    [Fact]
    public void At_listed_steps() => Assert.Equal([2L, 7L, 10L], DueSteps(Cadence.AtSteps(2, 7), 10, 100));

    [Fact]
    public void Log_spaced_three_per_decade() =>
        Assert.Equal([1L, 2L, 5L, 10L, 22L, 46L, 100L, 150L], DueSteps(Cadence.LogSpaced(3), 150, 1000));

    [Fact]
    public void Trial_ids_depend_on_content_only()
    {
        var settings = new ExperimentSettings(1, 1, 0, 0);
        var a = TrialId.Compute("E", [new("LearningRate", "0.1"), new("BatchSize", "32")], 0, settings);
        var b = TrialId.Compute("E", [new("BatchSize", "32"), new("LearningRate", "0.1")], 0, settings);
        var c = TrialId.Compute("E", [new("LearningRate", "0.1"), new("BatchSize", "32")], 1, settings);
        var d = TrialId.Compute("E", [new("LearningRate", "0.1"), new("BatchSize", "32")], 0, settings with { Epochs = 2 });

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(a, d);
        Assert.Equal(16, a.Length);
    }
}
