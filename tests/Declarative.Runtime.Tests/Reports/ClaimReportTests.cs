using Declarative.Runtime.Reports;
using Declarative.Runtime.Tests.Claims;
using Snapshooter.Xunit;

namespace Declarative.Runtime.Tests.Reports;

/// <summary>The full report of the crafted grid: verdicts first, the run, the table, the plots, the unfinished trials.</summary>
public sealed class ClaimReportTests
{
    private static ExperimentReport Crafted()
    {
        var results = GridResults.Crafted();
        return new ExperimentReport(results, GridResults.CraftedClaims().Select(c => c.Check(results)).ToArray());
    }

    [Fact]
    public void Report_with_claims_and_plots_matches_snapshot()
    {
        var report = Crafted();
        Snapshot.Match(MarkdownReport.Render(report.Results, report.Claims, [.. ReportPlots.PlanEvidence(report.Claims), .. ReportPlots.Plan(report.Results)]));
    }

    [Fact]
    public void Index_with_verdicts_matches_snapshot() =>
        Snapshot.Match(IndexPage.Render([Crafted(), new ExperimentReport(MarkdownReportTests.FixedResults(), [])]));

    [Fact]
    public void Index_keeps_the_first_sentence_whole_across_abbreviations()
    {
        var results = GridResults.Crafted() with { Summary = "Distance grows as ln t (Hoffer et al. 2017, e.g. Fig. 2). The rest is detail." };

        var index = IndexPage.Render([new ExperimentReport(results, [])]);

        Assert.Contains("| Distance grows as ln t (Hoffer et al. 2017, e.g. Fig. 2). |", index);
    }

    [Fact]
    public void Report_states_each_verdict_before_the_tables()
    {
        var report = Crafted();
        var md = MarkdownReport.Render(report.Results, report.Claims, ReportPlots.Plan(report.Results));

        Assert.Contains("✅ holds", md);
        Assert.Contains("❌ fails", md);
        Assert.Contains("⚠️ inconclusive", md);
        Assert.True(md.IndexOf("## Claims", StringComparison.Ordinal) < md.IndexOf("## Results", StringComparison.Ordinal));
        Assert.True(md.IndexOf("## Results", StringComparison.Ordinal) < md.IndexOf("## Heatmaps", StringComparison.Ordinal));
    }

    [Fact]
    public void Plans_a_heatmap_and_a_curve_per_scalar_metric_and_two_plots_per_vector_metric()
    {
        var plots = ReportPlots.Plan(GridResults.Crafted()).Select(p => p.FileName).ToArray();

        Assert.Equal(
        [
            "heatmap-BatchLoss.png", "heatmap-DistanceFromInit.png", "heatmap-TestAccuracy.png",
            "curve-BatchLoss.png", "curve-DistanceFromInit.png", "curve-TestAccuracy.png",
            "profile-HessianTop.png", "evolution-HessianTop.png",
        ], plots);
    }
}
