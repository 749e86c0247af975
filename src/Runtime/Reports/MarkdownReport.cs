using System.Globalization;
using System.Text;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Renders one experiment's report as markdown: the finding, the settings, a table of final metrics
/// per sweep point (mean ± standard deviation over seeds), and every trial with its status.
/// Numbers are printed with <see cref="SignificantDigits"/> significant digits; the report holds no
/// timestamps, paths or host names, so it is stable for snapshot tests.
/// </summary>
public static class MarkdownReport
{
    public const int SignificantDigits = 4;

    public static string Render(ExperimentResults results)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(results.Name).Append("\n\n");
        if (results.Summary.Length > 0) md.Append(results.Summary).Append("\n\n");

        var counts = Enum.GetValues<TrialStatus>()
            .Select(s => (Status: s, Count: results.Trials.Count(t => t.Status == s)))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Status.ToString().ToLowerInvariant()}");
        md.Append("Budget `").Append(results.Budget.Name).Append("`: ").Append(results.Settings.Describe()).Append(".  \n");
        md.Append("Trials: ").Append(results.Trials.Count).Append(" (").Append(string.Join(", ", counts)).Append(").\n\n");

        AppendResultsTable(md, results);
        AppendTrialsTable(md, results);

        md.Append("## Declaration\n\n```csharp\n").Append(results.Declaration.TrimEnd()).Append("\n```\n");
        return md.ToString();
    }

    private static void AppendResultsTable(StringBuilder md, ExperimentResults results)
    {
        md.Append("## Results\n\n");
        md.Append("Final value of each metric (its last sample in the trial), mean ± standard deviation over the seeds that finished.\n\n");
        var finals = results.FinalValues();
        var columns = results.Schema.Columns;

        md.Append('|');
        foreach (var axis in results.Axes) md.Append(' ').Append(axis).Append(" |");
        md.Append(" seeds done |");
        foreach (var c in columns) md.Append(' ').Append(c.Name).Append(" |");
        md.Append('\n').Append('|').Append(string.Concat(Enumerable.Repeat("---|", results.Axes.Count + 1 + columns.Count))).Append('\n');

        foreach (var point in results.Trials.GroupBy(t => string.Join("\u001f", results.Axes.Select(a => t.Parameter(a)))))
        {
            var trials = point.ToArray();
            var done = trials.Where(t => t.Status == TrialStatus.Done).ToArray();
            md.Append('|');
            foreach (var axis in results.Axes) md.Append(' ').Append(trials[0].Parameter(axis)).Append(" |");
            md.Append(' ').Append(done.Length).Append('/').Append(trials.Length).Append(" |");
            for (var i = 0; i < columns.Count; i++)
            {
                var values = done.Select(t => finals.TryGetValue(t.Id, out var f) ? f[i] : null)
                    .Where(v => v.HasValue).Select(v => v!.Value).ToArray();
                md.Append(' ').Append(values.Length == 0 ? "–" : MeanAndSpread(values)).Append(" |");
            }
            md.Append('\n');
        }
        md.Append('\n');
    }

    private static void AppendTrialsTable(StringBuilder md, ExperimentResults results)
    {
        md.Append("## Trials\n\n");
        md.Append("| trial |");
        foreach (var axis in results.Axes) md.Append(' ').Append(axis).Append(" |");
        md.Append(" seed | status | steps | seconds | note |\n");
        md.Append('|').Append(string.Concat(Enumerable.Repeat("---|", results.Axes.Count + 6))).Append('\n');
        foreach (var t in results.Trials)
        {
            md.Append("| `").Append(t.Id).Append("` |");
            foreach (var axis in results.Axes) md.Append(' ').Append(t.Parameter(axis)).Append(" |");
            md.Append(' ').Append(t.Seed).Append(" | ").Append(t.Status.ToString().ToLowerInvariant())
              .Append(" | ").Append(t.Steps.ToString(CultureInfo.InvariantCulture))
              .Append(" | ").Append(t.Seconds.ToString("F1", CultureInfo.InvariantCulture))
              .Append(" | ").Append(Escape(t.Error)).Append(" |\n");
        }
        md.Append('\n');
    }

    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("G" + SignificantDigits, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    private static string MeanAndSpread(IReadOnlyList<double> values) =>
        values.Count == 1 ? Number(values[0]) : $"{Number(Statistics.Mean(values))} ± {Number(Statistics.StandardDeviation(values))}";

    private static string Escape(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");
}
