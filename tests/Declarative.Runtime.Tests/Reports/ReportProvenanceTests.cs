using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Tests.Reports;

/// <summary>Reports say which code produced their trials, warn on mixed versions, and mark verdicts of an incomplete sweep.</summary>
public sealed class ReportProvenanceTests
{
    private static string Of(string commit, bool dirty = false, int packedWith = 0, int threads = 1) =>
        new Provenance(commit, dirty, "1.0.0", "0.107.0", "2.10.0", "cpu", threads, Enumerable.Range(0, packedWith).Select(i => $"p{i}").ToArray()).ToJson();

    private static ExperimentResults With(params (TrialStatus Status, string? Provenance)[] trials) =>
        new("Grid", "", "", Budget.Smoke, new ExperimentSettings(1, 1, 0, 0), ["LearningRate"], new MetricSchema([]),
            trials.Select((t, i) => new TrialRecord($"t{i}", "Grid", "smoke", i, [new("LearningRate", "0.1")], t.Status, 1, 10, 1, null, null) { Provenance = t.Provenance }).ToArray(),
            []);

    [Fact]
    public void One_code_version_is_named_and_a_mix_of_versions_is_a_warning_with_the_counts()
    {
        var one = ReportProvenance.Lines(With((TrialStatus.Done, Of("aaaaaaaaaaaaaaaa")), (TrialStatus.Done, Of("aaaaaaaaaaaaaaaa"))));
        var mixed = ReportProvenance.Lines(With((TrialStatus.Done, Of("aaaaaaaaaaaaaaaa")), (TrialStatus.Done, Of("bbbbbbbbbbbbbbbb")), (TrialStatus.Done, Of("bbbbbbbbbbbbbbbb"))));

        Assert.Contains("Code: `aaaaaaaaaaaa` for every finished trial.", one);
        Assert.DoesNotContain(one, l => l.Contains("Mixed"));
        var warning = Assert.Single(mixed, l => l.Contains("Mixed code versions"));
        Assert.Contains("`bbbbbbbbbbbb` (2 trials), `aaaaaaaaaaaa` (1 trial)", warning);
    }

    [Fact]
    public void A_trial_stored_without_provenance_beside_recorded_ones_counts_as_a_mix()
    {
        var lines = ReportProvenance.Lines(With((TrialStatus.Done, Of("aaaaaaaaaaaaaaaa")), (TrialStatus.Done, null)));

        Assert.Contains(lines, l => l.Contains("Mixed code versions") && l.Contains("not recorded (1)"));
    }

    [Fact]
    public void Uncommitted_changes_packing_and_superseded_trials_are_said()
    {
        var results = With((TrialStatus.Done, Of("aaaaaaaaaaaaaaaa", dirty: true, packedWith: 3)), (TrialStatus.Done, Of("aaaaaaaaaaaaaaaa", dirty: true))) with { Superseded = 2 };

        var lines = ReportProvenance.Lines(results);

        Assert.Contains(lines, l => l.Contains("uncommitted changes"));
        Assert.Contains("Code: `aaaaaaaaaaaa-dirty` for every finished trial.", lines);
        Assert.Contains(lines, l => l.StartsWith("Packing: 1 of 2 trials trained packed (stacked with up to 3 others", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("2 stored trials of an earlier declaration", StringComparison.Ordinal));
    }

    [Fact]
    public void Verdicts_of_a_sweep_with_failed_or_unrun_trials_are_marked_and_a_complete_one_is_not()
    {
        Assert.Null(ReportProvenance.IncompleteWarning(With((TrialStatus.Done, null), (TrialStatus.Diverged, null))));

        var warning = ReportProvenance.IncompleteWarning(With((TrialStatus.Done, null), (TrialStatus.Failed, null), (TrialStatus.Pending, null)));

        Assert.Equal("⚠️ **Incomplete sweep**: 1 failed and 1 not run yet of 3 trials. These verdicts were computed without them and may change " +
            "once they finish (`--retry-failed` runs the failed ones again).", warning);
    }
}
