using System.Text;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Reports;

/// <summary>The index of all reports: one line per experiment with its verdicts and trial counts.</summary>
public static class IndexPage
{
    public static string Render(IEnumerable<ExperimentResults> experiments) =>
        Render(experiments.Select(e => new ExperimentReport(e, [])));

    public static string Render(IEnumerable<ExperimentReport> reports)
    {
        var all = reports.OrderBy(r => r.Results.Name, StringComparer.Ordinal).ToArray();
        var claims = all.SelectMany(r => r.Claims).ToArray();
        var md = new StringBuilder("# Experiments\n\n");
        if (claims.Length > 0)
            md.Append($"{claims.Length} claims: {claims.Count(c => c.Verdict == Verdict.Holds)} hold, {claims.Count(c => c.Verdict == Verdict.Fails)} fail, " +
                      $"{claims.Count(c => c.Verdict == Verdict.Inconclusive)} inconclusive.\n\n");
        md.Append("| experiment | claims | budget | trials | done | diverged | failed | finding |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var report in all)
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

    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase) { "al", "e.g", "i.e", "etc", "vs", "cf", "Fig", "Eq", "resp" };

    private static string FirstSentence(string text)
    {
        var flat = text.Replace('\n', ' ').Replace("|", "\\|").Trim();
        // A sentence ends at ". " unless the word before it is an abbreviation ("et al. 2017", "e.g. lr/B").
        for (var end = flat.IndexOf(". ", StringComparison.Ordinal); end >= 0; end = flat.IndexOf(". ", end + 1, StringComparison.Ordinal))
        {
            var start = flat.LastIndexOf(' ', end) + 1;
            if (!Abbreviations.Contains(flat[start..end].TrimStart('('))) return flat[..(end + 1)];
        }
        return flat;
    }
}
