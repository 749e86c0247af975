using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;

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
        // One path for both: a fixed seed count is one look at the results as they are; a seed range is checked look by look.
        var seeds = AdaptiveSeeds.Evaluate(results, claims);
        var checkedClaims = seeds.Verdicts;
        var plotFolder = Path.Combine(folder, results.Name);
        if (Directory.Exists(plotFolder))
            foreach (var stale in Directory.EnumerateFiles(plotFolder, "*.png")) File.Delete(stale);

        var drawn = new List<ReportPlot>();
        var problems = new List<string>();
        var plots = ReportPlots.PlanEvidence(checkedClaims).Concat(ReportPlots.Plan(results)).ToArray();
        if (plots.Length > 0) Directory.CreateDirectory(plotFolder);
        foreach (var plot in plots)
        {
            try
            {
                AtomicFile.Write(Path.Combine(plotFolder, plot.FileName), file => plot.Save(file));
                drawn.Add(plot);
            }
            catch (IOException)
            {
                throw; // the folder cannot be written (a full disk): one message for the whole report, not a line per plot
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                problems.Add($"{plot.FileName} could not be drawn: {e.GetType().Name}: {e.Message}");
            }
        }
        var markdown = MarkdownReport.Render(results, checkedClaims, drawn, problems, seeds);
        AtomicFile.Write(Path.Combine(folder, results.Name + ".md"), file => File.WriteAllText(file, markdown));
        return new ExperimentReport(results, checkedClaims);
    }

    /// <summary>
    /// The experiment's declared claims. Building them runs the user's code (the static properties); when that
    /// throws, the report shows one inconclusive entry that names the property and the error, and keeps the rest.
    /// </summary>
    public static IReadOnlyList<Claim> ClaimsOf(IExperimentDefinition experiment)
    {
        try
        {
            return experiment.Claims;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var property = new System.Diagnostics.StackTrace(e).GetFrames()
                .Select(f => f.GetMethod()).FirstOrDefault(m => m is { Name: var n } && n.StartsWith("get_", StringComparison.Ordinal) && m.DeclaringType?.Assembly != typeof(Claim).Assembly);
            var where = property is null ? "" : $" in {property.DeclaringType?.Name}.{property.Name[4..]}";
            return [new UnbuildableClaim($"building the claims threw {e.GetType().Name}{where}: {e.Message}").Named("Claims")];
        }
    }

    public static void WriteIndex(string folder, IEnumerable<ExperimentReport> reports)
    {
        Directory.CreateDirectory(folder);
        var index = IndexPage.Render(reports);
        AtomicFile.Write(Path.Combine(folder, "index.md"), file => File.WriteAllText(file, index));
    }
}
