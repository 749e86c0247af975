using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using ScottPlot;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Plans and draws an experiment's plots with ScottPlot: a heatmap of each scalar metric's final value
/// over the first two sweep axes (one per combination of the remaining axes), each scalar metric's curve over steps (one line per sweep point,
/// a band of ± one standard deviation across seeds), and for each vector metric its final profile
/// and the evolution of its leading components. Only finished trials are drawn; the report lists
/// the others.
/// </summary>
public static class ReportPlots
{
    public const int Width = 1000;
    public const int Height = 560;

    /// <summary>At most this many components of a vector metric are drawn over steps.</summary>
    public const int MaxComponents = 4;

    public static IReadOnlyList<ReportPlot> Plan(ExperimentResults results)
    {
        var plots = new List<ReportPlot>();
        var done = results.Trials.Where(t => t.Status == TrialStatus.Done).ToArray();
        if (done.Length == 0) return plots;
        var rows = results.Rows.GroupBy(r => r.TrialId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Step).ToArray());
        var columns = results.Schema.Columns;

        if (results.Axes.Count >= 2)
        {
            var finals = results.FinalValues();
            // One heatmap per combination of the remaining axes (never averaged over them: the axis that matters may be one of them).
            var rest = results.Axes.Skip(2).ToArray();
            var slices = done.GroupBy(t => string.Join(", ", rest.Select(a => $"{a}={t.Parameter(a)}")))
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
            for (var c = 0; c < columns.Count; c++)
            {
                if (columns[c].IsVector) continue;
                var column = c;
                foreach (var slice in slices)
                {
                    var trials = slice.ToArray();
                    if (!trials.Any(t => finals.TryGetValue(t.Id, out var f) && f[column].HasValue)) continue;
                    var suffix = slice.Key.Length == 0 ? "" : "-" + FileSafe(slice.Key);
                    var at = slice.Key.Length == 0 ? "" : $" at {slice.Key}";
                    plots.Add(new ReportPlot($"heatmap-{columns[c].Name}{suffix}.png", "Heatmaps",
                        $"Final {columns[c].Name} (mean over finished seeds){at} for each {results.Axes[0]} (x) and {results.Axes[1]} (y); grey cells have no finished trial.",
                        () => Heatmap(results, trials, finals, column, slice.Key)));
                }
            }
        }

        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c].IsVector) continue;
            var column = c;
            if (!done.Any(t => rows.TryGetValue(t.Id, out var r) && r.Count(x => x.Values[column].HasValue) >= 2)) continue;
            plots.Add(new ReportPlot($"curve-{columns[c].Name}.png", "Curves",
                $"{columns[c].Name} ({columns[c].Cadence}) over optimizer steps{(IsLogSpaced(columns[c]) ? " on a log step axis (steps ≥ 1)" : "")}: one line per sweep point, the mean over finished seeds, with a band of ± one standard deviation across seeds.",
                () => Curves(results, done, rows, column)));
        }

        for (var c = 0; c < columns.Count; c++)
        {
            if (!columns[c].IsVector) continue;
            var column = c;
            if (!done.Any(t => rows.TryGetValue(t.Id, out var r) && r.Any(x => x.GetVector(column) is { Length: > 0 }))) continue;
            plots.Add(new ReportPlot($"profile-{columns[c].Name}.png", "Vector metrics",
                columns[c].Alphas is null
                    ? $"{columns[c].Name} at the last step it was sampled, entry by entry (entry 1 is the vector's first component): one line per sweep point, averaged over finished seeds."
                    : $"{columns[c].Name} at the last step it was sampled, against α (dashed: α = 0 and α = 1, the two ends of the line): one line per sweep point, averaged over finished seeds.",
                () => Profile(results, done, rows, column)));
            plots.Add(new ReportPlot($"evolution-{columns[c].Name}.png", "Vector metrics",
                $"The first {MaxComponents} entries of {columns[c].Name} ({columns[c].Cadence}) over optimizer steps{(IsLogSpaced(columns[c]) ? " on a log step axis (steps ≥ 1)" : "")}: one colour per sweep point, averaged over finished seeds; entry 1 solid, later entries dashed and dotted.",
                () => Evolution(results, done, rows, column)));
        }
        return plots;
    }

    /// <summary>Evidence figures with more series than this are drawn without a legend.</summary>
    public const int MaxLegendEntries = 12;

    /// <summary>The section evidence figures are shown in: each under its claim's verdict.</summary>
    public const string ClaimsSection = "Claims";

    /// <summary>The evidence figure of a claim: its file name inside the experiment's plot folder.</summary>
    public static string EvidenceFile(string claimName) => $"claim-{claimName}.png";

    /// <summary>One figure per checked claim that carries evidence with at least one finite point.</summary>
    public static IReadOnlyList<ReportPlot> PlanEvidence(IReadOnlyList<ClaimResult> claims) =>
        claims.Where(c => c.Figure is { } f && f.Series.Any(s => s.Points.Any(p => double.IsFinite(p.X) && double.IsFinite(p.Y))))
            .Select(c => new ReportPlot(EvidenceFile(c.Name), ClaimsSection,
                $"Evidence for {c.Name}: {c.Figure!.YLabel} against {c.Figure.XLabel}{(c.Figure.ReferenceY is { } y ? $", with the bound {MarkdownReport.Number(y)} as a line" : "")}",
                () => Evidence(c.Name, c.Figure!)))
            .ToArray();

    private static (Plot, int) Evidence(string name, EvidenceFigure figure)
    {
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        double X(double x) => figure.LogX ? Math.Log10(x) : x;
        var drawn = 0;
        var colour = -1;
        for (var i = 0; i < figure.Series.Count; i++)
        {
            var series = figure.Series[i];
            if (!series.Faint || colour < 0) colour++;
            var points = series.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y) && (!figure.LogX || p.X > 0)).ToArray();
            if (points.Length == 0) continue;
            drawn += points.Length;
            var color = series.Faint ? palette.GetColor(colour).WithAlpha(0.45) : palette.GetColor(colour);
            var xs = points.Select(p => X(p.X)).ToArray();
            var ys = points.Select(p => p.Y).ToArray();
            var scatter = plot.Add.Scatter(xs, ys, color);
            scatter.LineWidth = series.Joined ? 2 : 0;
            scatter.MarkerSize = series.Joined ? 5 : series.Faint ? 5 : 8;
            scatter.LegendText = series.Label;
            if (points.Any(p => p.Error > 0))
            {
                var bars = plot.Add.ErrorBar(xs, ys, points.Select(p => double.IsFinite(p.Error) ? p.Error : 0).ToArray());
                bars.Color = color;
            }
        }
        if (figure.ReferenceY is { } reference)
        {
            var line = plot.Add.HorizontalLine(reference);
            line.LinePattern = LinePattern.Dashed;
            line.Color = Colors.Black;
            line.LegendText = $"bound {MarkdownReport.Number(reference)}";
        }
        if (figure.XCategories.Count > 0)
        {
            // one line per parameter, so long stratum labels do not run into each other
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, figure.XCategories.Count).Select(i => (double)i).ToArray(), figure.XCategories.Select(c => c.Replace(", ", "\n")).ToArray());
            plot.Axes.SetLimitsX(-0.5, figure.XCategories.Count - 0.5);
        }
        else if (figure.LogX)
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
            };
        plot.Title(name);
        plot.XLabel(figure.LogX ? $"{figure.XLabel} (log scale)" : figure.XLabel);
        plot.YLabel(figure.YLabel);
        // a legend of more than a dozen entries (one per trial of a fit) would cover the plot: the caption says what the lines are
        if (figure.Series.Count <= MaxLegendEntries) plot.ShowLegend(Edge.Right);
        return (plot, drawn);
    }

    private static (Plot, int) Heatmap(ExperimentResults results, TrialRecord[] done, IReadOnlyDictionary<string, double?[]> finals, int column, string slice)
    {
        string xAxis = results.Axes[0], yAxis = results.Axes[1];
        var xs = results.AxisValues(xAxis);
        var ys = results.AxisValues(yAxis);
        // Row 0 of the intensity array is drawn at the top: put the largest y value there.
        var grid = new double[ys.Count, xs.Count];
        for (var yi = 0; yi < ys.Count; yi++)
        for (var xi = 0; xi < xs.Count; xi++)
        {
            var values = done.Where(t => t.Parameter(xAxis) == xs[xi] && t.Parameter(yAxis) == ys[yi])
                .Select(t => finals.TryGetValue(t.Id, out var f) ? f[column] : null).Where(v => v.HasValue).Select(v => v!.Value).ToArray();
            grid[ys.Count - 1 - yi, xi] = values.Length == 0 ? double.NaN : Statistics.Mean(values);
        }

        var plot = NewPlot();
        var drawn = grid.Cast<double>().Count(double.IsFinite);
        var heatmap = plot.Add.Heatmap(grid);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.LightGray;
        heatmap.Position = new CoordinateRect(-0.5, xs.Count - 0.5, -0.5, ys.Count - 0.5);
        plot.Add.ColorBar(heatmap);
        var range = Range(grid);
        for (var yi = 0; yi < ys.Count; yi++)
        for (var xi = 0; xi < xs.Count; xi++)
        {
            var v = grid[ys.Count - 1 - yi, xi];
            var text = plot.Add.Text(double.IsNaN(v) ? "–" : MarkdownReport.Number(v), xi, yi);
            text.Alignment = Alignment.MiddleCenter;
            text.LabelFontSize = 14;
            // Viridis is dark at the low end and bright at the high end: white text on dark cells, black on bright ones.
            var brightCell = double.IsNaN(v) || range.Max == range.Min || (v - range.Min) / (range.Max - range.Min) > 0.6;
            text.LabelFontColor = brightCell ? Colors.Black : Colors.White;
        }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, xs.Count).Select(i => (double)i).ToArray(), xs.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, ys.Count).Select(i => (double)i).ToArray(), ys.ToArray());
        plot.Axes.SetLimits(-0.5, xs.Count - 0.5, -0.5, ys.Count - 0.5);
        plot.Title($"final {results.Schema.Columns[column].Name}{(slice.Length == 0 ? "" : $" at {slice}")}");
        plot.XLabel(xAxis);
        plot.YLabel(yAxis);
        return (plot, drawn);
    }

    private static (Plot, int) Curves(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column)
    {
        var plot = NewPlot();
        var log = IsLogSpaced(results.Schema.Columns[column]);
        var drawn = 0;
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var point in results.Points())
        {
            var seeds = point.Where(t => t.Status == TrialStatus.Done && rows.ContainsKey(t.Id))
                .Select(t => rows[t.Id].Where(r => r.Values[column] is { } v && double.IsFinite(v) && (!log || r.Step >= 1)).ToDictionary(r => r.Step, r => r.Values[column]!.Value))
                .Where(s => s.Count > 0).ToArray();
            var color = palette.GetColor(index++);
            if (seeds.Length == 0) continue;
            var steps = seeds.SelectMany(s => s.Keys).Distinct().Order().ToArray();
            var mean = new double[steps.Length];
            var sd = new double[steps.Length];
            for (var i = 0; i < steps.Length; i++)
            {
                var at = seeds.Where(s => s.ContainsKey(steps[i])).Select(s => s[steps[i]]).ToArray();
                mean[i] = Statistics.Mean(at);
                sd[i] = Statistics.StandardDeviation(at);
            }
            var x = steps.Select(s => StepX(s, log)).ToArray();
            drawn += x.Length;
            if (seeds.Length > 1)
            {
                var band = plot.Add.FillY(x, mean.Zip(sd, (m, s) => m - s).ToArray(), mean.Zip(sd, (m, s) => m + s).ToArray());
                band.FillColor = color.WithAlpha(0.2);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(x, mean, color);
            line.LineWidth = 2;
            line.MarkerSize = steps.Length > 30 ? 0 : 4;
            line.LegendText = $"{point.Key} ({seeds.Length} seed{(seeds.Length == 1 ? "" : "s")})";
        }
        plot.Title($"{results.Schema.Columns[column].Name} over steps");
        StepAxis(plot, log);
        plot.YLabel(results.Schema.Columns[column].Name);
        plot.ShowLegend(Edge.Right);
        return (plot, drawn);
    }

    private static (Plot, int) Profile(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column)
    {
        var plot = NewPlot();
        var alphas = results.Schema.Columns[column].Alphas;
        var drawn = 0;
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var point in results.Points())
        {
            var color = palette.GetColor(index++);
            var finals = point.Where(t => t.Status == TrialStatus.Done && rows.ContainsKey(t.Id))
                .Select(t => rows[t.Id].LastOrDefault(r => r.GetVector(column) is { Length: > 0 })?.GetVector(column))
                .Where(v => v is not null).Select(v => v!).ToArray();
            if (finals.Length == 0) continue;
            var length = finals.Min(v => v.Length);
            var mean = Enumerable.Range(0, length).Select(i => finals.Average(v => v[i])).ToArray();
            drawn += mean.Count(double.IsFinite);
            var x = alphas is { } a && a.Count >= length ? a.Take(length).ToArray() : Enumerable.Range(0, length).Select(i => (double)i).ToArray();
            var line = plot.Add.Scatter(x, mean, color);
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = point.Key;
        }
        var entries = done.SelectMany(t => rows.TryGetValue(t.Id, out var r) ? r : []).Select(r => r.GetVector(column)?.Length ?? 0).DefaultIfEmpty(0).Max();
        if (alphas is not null)
        {
            // α = 0 is the iterate itself, α = 1 the other end of the line (the next iterate for an interpolation)
            foreach (var (at, label) in new[] { (0.0, "α = 0"), (1.0, "α = 1") })
            {
                var mark = plot.Add.VerticalLine(at);
                mark.LinePattern = LinePattern.Dashed;
                mark.Color = Colors.Black;
                mark.Text = label;
            }
            plot.XLabel("α");
        }
        else if (entries is > 0 and <= 25)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, entries).Select(i => (double)i).ToArray(), Enumerable.Range(1, entries).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title($"{results.Schema.Columns[column].Name}: final profile");
        if (alphas is null) plot.XLabel("entry");
        plot.YLabel(results.Schema.Columns[column].Name);
        plot.ShowLegend(Edge.Right);
        return (plot, drawn);
    }

    private static (Plot, int) Evolution(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column)
    {
        var plot = NewPlot();
        var log = IsLogSpaced(results.Schema.Columns[column]);
        var drawn = 0;
        var palette = new ScottPlot.Palettes.Category10();
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var index = 0;
        foreach (var point in results.Points())
        {
            var color = palette.GetColor(index++);
            var samples = point.Where(t => t.Status == TrialStatus.Done && rows.ContainsKey(t.Id))
                .SelectMany(t => rows[t.Id]).Where(r => r.GetVector(column) is { Length: > 0 } && (!log || r.Step >= 1)).ToArray();
            if (samples.Length == 0) continue;
            var byStep = samples.GroupBy(r => r.Step).OrderBy(g => g.Key).ToArray();
            var x = byStep.Select(g => StepX(g.Key, log)).ToArray();
            var components = Math.Min(MaxComponents, samples.Min(r => r.GetVector(column)!.Length));
            for (var j = 0; j < components; j++)
            {
                var component = j;
                var y = byStep.Select(g => g.Average(r => r.GetVector(column)![component])).ToArray();
                drawn += y.Count(double.IsFinite);
                var line = plot.Add.Scatter(x, y, color);
                line.LineWidth = 2;
                // a metric sampled once or a few times per trial (at the end) is a point, not a line: draw its markers
                line.MarkerSize = x.Length > 30 ? 0 : 6;
                line.LinePattern = patterns[j];
                line.LegendText = j == 0 ? point.Key : "";
            }
        }
        plot.Title($"{results.Schema.Columns[column].Name} over steps");
        StepAxis(plot, log);
        plot.YLabel(results.Schema.Columns[column].Name);
        plot.ShowLegend(Edge.Right);
        return (plot, drawn);
    }

    /// <summary>A metric sampled on a log-spaced cadence is drawn against log10(step), so its early phase is not crushed.</summary>
    internal static bool IsLogSpaced(MetricColumn column) => column.Cadence.StartsWith("log-spaced", StringComparison.Ordinal);

    /// <summary>"Width=0.25, Normalization=BatchNorm" as a file-name part: "Width=0.25_Normalization=BatchNorm".</summary>
    private static string FileSafe(string label) =>
        new(label.Replace(", ", "_").Select(ch => char.IsLetterOrDigit(ch) || ch is '=' or '.' or '_' or '-' ? ch : '_').ToArray());

    private static double StepX(long step, bool log) => log ? Math.Log10(step) : step;

    private static void StepAxis(Plot plot, bool log)
    {
        plot.XLabel(log ? "step (log scale)" : "step");
        if (!log) return;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    private static (double Min, double Max) Range(double[,] grid)
    {
        var finite = grid.Cast<double>().Where(double.IsFinite).ToArray();
        return finite.Length == 0 ? (0, 0) : (finite.Min(), finite.Max());
    }

    private static Plot NewPlot()
    {
        PlotFonts.EnsureAvailable();
        return new Plot();
    }
}
