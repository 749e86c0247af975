using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;
using Snapshooter.Xunit;

namespace Declarative.Runtime.Tests.Reports;

public sealed class MarkdownReportTests
{
    internal static ExperimentResults FixedResults()
    {
        var schema = new MetricSchema([new MetricColumn("BatchLoss", "every 100 steps"), new MetricColumn("TestAccuracy", "at each epoch end")]);
        TrialRecord Trial(string id, string lr, string batch, int seed, TrialStatus status, long steps, string? error = null) =>
            new(id, "Grid", "smoke", seed, [new("LearningRate", lr), new("BatchSize", batch)], status, 1, steps, 1.25 * steps / 100, null, error);

        var trials = new[]
        {
            Trial("t1", "0.01", "32", 0, TrialStatus.Done, 200),
            Trial("t2", "0.01", "32", 1, TrialStatus.Done, 200),
            Trial("t3", "0.1", "32", 0, TrialStatus.Done, 200),
            Trial("t4", "0.1", "32", 1, TrialStatus.Diverged, 150, "loss became NaN at step 150"),
            Trial("t5", "0.01", "128", 0, TrialStatus.Failed, 0, "native error | aborted"),
            Trial("t6", "0.01", "128", 1, TrialStatus.Pending, 0),
        };
        var rows = new[]
        {
            new MetricSample("t1", 100, 0, [0.91234567, null]),
            new MetricSample("t1", 200, 0, [0.61, 0.7812345]),
            new MetricSample("t2", 100, 0, [0.95, null]),
            new MetricSample("t2", 200, 0, [0.65, 0.7712345]),
            new MetricSample("t3", 200, 0, [0.41, 0.8333333]),
            new MetricSample("t4", 100, 0, [2.5, null]),
        };
        return new ExperimentResults("Grid", "A grid of learning rate and batch size.", "[Experiment]\npublic partial record Grid(...);",
            Budget.Smoke, new ExperimentSettings(1, 2, 1000, 500), ["LearningRate", "BatchSize"], schema, trials, rows);
    }

    [Fact]
    public void Report_from_fixed_rows_matches_snapshot() => Snapshot.Match(MarkdownReport.Render(FixedResults()));

    [Fact]
    public void Index_from_fixed_rows_matches_snapshot() => Snapshot.Match(IndexPage.Render([FixedResults()]));

    [Fact]
    public void Final_value_is_the_last_sample_of_each_column()
    {
        var finals = FixedResults().FinalValues();

        Assert.Equal(0.61, finals["t1"][0]);
        Assert.Equal(0.7812345, finals["t1"][1]);
        Assert.Null(finals["t4"][1]);
    }

    [Fact]
    public void Spread_is_the_sample_standard_deviation()
    {
        Assert.Equal(Math.Sqrt(2.0), Statistics.StandardDeviation([1.0, 3.0]), 12);
        Assert.Equal(0.0, Statistics.StandardDeviation([5.0]));
    }

    [Fact]
    public void Linked_axes_are_shown_as_the_line_of_values_they_are()
    {
        var grid = new Claims.GridResults().Final(0.01, 32, 0, 0.8).Final(0.04, 128, 0, 0.8).Final(0.16, 512, 0, 0.7);

        var md = MarkdownReport.Render(grid.Build());

        Assert.Contains("- Sweep: (LearningRate, BatchSize) ∈ {(0.01, 32), (0.04, 128), (0.16, 512)} (linked): 3 sweep points.", md);
    }
}
