using Declarative.Runtime.Claims;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Writes the reports folder: per experiment <c>&lt;Name&gt;.md</c> with its checked claims and its plots under
/// <c>&lt;Name&gt;/*.png</c> (linked relatively), and <c>index.md</c> linking every experiment with its verdicts.
/// </summary>
public static class ReportWriter
{
    public static ExperimentReport WriteExperiment(string folder, ExperimentResults results, IReadOnlyList<Claim> claims)
    {
        Directory.CreateDirectory(folder);
        var checkedClaims = claims.Select(c => c.Check(results)).ToArray();
        var plotFolder = Path.Combine(folder, results.Name);
        if (Directory.Exists(plotFolder))
            foreach (var stale in Directory.EnumerateFiles(plotFolder, "*.png")) File.Delete(stale);

        var drawn = new List<ReportPlot>();
        var problems = new List<string>();
        var plots = ReportPlots.Plan(results);
        if (plots.Count > 0) Directory.CreateDirectory(plotFolder);
        foreach (var plot in plots)
        {
            try
            {
                plot.Save(Path.Combine(plotFolder, plot.FileName));
                drawn.Add(plot);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{plot.FileName} could not be drawn: {e.GetType().Name}: {e.Message}");
            }
        }
        File.WriteAllText(Path.Combine(folder, results.Name + ".md"), MarkdownReport.Render(results, checkedClaims, drawn, problems));
        return new ExperimentReport(results, checkedClaims);
    }

    public static void WriteIndex(string folder, IEnumerable<ExperimentReport> reports)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "index.md"), IndexPage.Render(reports));
    }
}
