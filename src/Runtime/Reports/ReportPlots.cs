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
                $"{columns[c].Name} at the last step it was sampled, entry by entry (entry 1 is the vector's first component): one line per sweep point, averaged over finished seeds.",
                () => Profile(results, done, rows, column)));
            plots.Add(new ReportPlot($"evolution-{columns[c].Name}.png", "Vector metrics",
                $"The first {MaxComponents} entries of {columns[c].Name} ({columns[c].Cadence}) over optimizer steps{(IsLogSpaced(columns[c]) ? " on a log step axis (steps ≥ 1)" : "")}: one colour per sweep point, averaged over finished seeds; entry 1 solid, later entries dashed and dotted.",
                () => Evolution(results, done, rows, column)));
        }
        return plots;
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
            var line = plot.Add.Scatter(Enumerable.Range(0, length).Select(i => (double)i).ToArray(), mean, color);
            line.LineWidth = 2;
            line.MarkerSize = 4;
            line.LegendText = point.Key;
        }
        var entries = done.SelectMany(t => rows.TryGetValue(t.Id, out var r) ? r : []).Select(r => r.GetVector(column)?.Length ?? 0).DefaultIfEmpty(0).Max();
        if (entries is > 0 and <= 25)
            plot.Axes.Bottom.SetTicks(Enumerable.Range(0, entries).Select(i => (double)i).ToArray(), Enumerable.Range(1, entries).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.Title($"{results.Schema.Columns[column].Name}: final profile");
        plot.XLabel("entry");
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
