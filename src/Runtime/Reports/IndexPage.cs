using System.Text;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Reports;

/// <summary>The index of all reports: one line per experiment with its trial counts.</summary>
public static class IndexPage
{
    public static string Render(IEnumerable<ExperimentResults> experiments)
    {
        var md = new StringBuilder("# Experiments\n\n| experiment | budget | trials | done | diverged | failed | finding |\n|---|---|---|---|---|---|---|\n");
        foreach (var e in experiments.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            md.Append("| [").Append(e.Name).Append("](").Append(e.Name).Append(".md) | ").Append(e.Budget.Name)
              .Append(" | ").Append(e.Trials.Count)
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Done))
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Diverged))
              .Append(" | ").Append(e.Trials.Count(t => t.Status == TrialStatus.Failed))
              .Append(" | ").Append(FirstSentence(e.Summary)).Append(" |\n");
        }
        return md.ToString();
    }

    private static string FirstSentence(string text)
    {
        var flat = text.Replace('\n', ' ').Replace("|", "\\|").Trim();
        var end = flat.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? flat : flat[..(end + 1)];
    }
}
