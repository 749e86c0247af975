using System.Text;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Reports;

/// <summary>The index of all reports: one line per experiment with its verdicts and trial counts.</summary>
public static class IndexPage
{
    public static string Render(IEnumerable<ExperimentResults> experiments) =>
        Render(experiments.Select(e => new ExperimentReport(e, [])));

    public static string Render(IEnumerable<ExperimentReport> reports)
    {
        var md = new StringBuilder("# Experiments\n\n| experiment | claims | budget | trials | done | diverged | failed | finding |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var report in reports.OrderBy(r => r.Results.Name, StringComparer.Ordinal))
        {
            var e = report.Results;
            md.Append("| [").Append(e.Name).Append("](").Append(e.Name).Append(".md) | ").Append(Verdicts(report))
              .Append(" | ").Append(e.Budget.Name)
              .Append(" | ").Append(e.Trials.Count)
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Done))
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Diverged))
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Failed))
              .Append(" | ").Append(FirstSentence(e.Summary)).Append(" |\n");
        }
        return md.ToString();
    }

    private static string Verdicts(ExperimentReport report) =>
        report.Claims.Count == 0
            ? "–"
            : string.Join("<br>", report.Claims.Select(c => $"{MarkdownReport.Mark(c.Verdict)}: `{c.Name}`"));

    private static string FirstSentence(string text)
    {
        var flat = text.Replace('\n', ' ').Replace("|", "\\|").Trim();
        var end = flat.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? flat : flat[..(end + 1)];
    }
}
