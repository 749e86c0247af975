using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using ScottPlot;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Plans and draws an experiment's plots with ScottPlot: a heatmap of each scalar metric's final value
/// over the first two sweep axes, each scalar metric's curve over steps (one line per sweep point,
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
            for (var c = 0; c < columns.Count; c++)
            {
                if (columns[c].IsVector) continue;
                var column = c;
                if (!done.Any(t => finals.TryGetValue(t.Id, out var f) && f[column].HasValue)) continue;
                var others = results.Axes.Count > 2 ? $", averaged over {string.Join(" and ", results.Axes.Skip(2))}" : "";
                plots.Add(new ReportPlot($"heatmap-{columns[c].Name}.png", "Heatmaps",
                    $"Final {columns[c].Name} (mean over finished seeds{others}) for each {results.Axes[0]} (x) and {results.Axes[1]} (y); grey cells have no finished trial.",
                    path => Heatmap(results, done, finals, column, path)));
            }
        }

        for (var c = 0; c < columns.Count; c++)
        {
            if (columns[c].IsVector) continue;
            var column = c;
            if (!done.Any(t => rows.TryGetValue(t.Id, out var r) && r.Count(x => x.Values[column].HasValue) >= 2)) continue;
            plots.Add(new ReportPlot($"curve-{columns[c].Name}.png", "Curves",
                $"{columns[c].Name} ({columns[c].Cadence}) over optimizer steps: one line per sweep point, the mean over finished seeds, with a band of ± one standard deviation across seeds.",
                path => Curves(results, done, rows, column, path)));
        }

        for (var c = 0; c < columns.Count; c++)
        {
            if (!columns[c].IsVector) continue;
            var column = c;
            if (!done.Any(t => rows.TryGetValue(t.Id, out var r) && r.Any(x => x.GetVector(column) is { Length: > 0 }))) continue;
            plots.Add(new ReportPlot($"profile-{columns[c].Name}.png", "Vector metrics",
                $"{columns[c].Name} at the last step it was sampled, entry by entry (e.g. the loss along the interpolation grid): one line per sweep point, averaged over finished seeds.",
                path => Profile(results, done, rows, column, path)));
            plots.Add(new ReportPlot($"evolution-{columns[c].Name}.png", "Vector metrics",
                $"The first {MaxComponents} entries of {columns[c].Name} (e.g. the top Hessian eigenvalues) over optimizer steps: one colour per sweep point, averaged over finished seeds; entry 1 solid, later entries dashed and dotted.",
                path => Evolution(results, done, rows, column, path)));
        }
        return plots;
    }

    private static void Heatmap(ExperimentResults results, TrialRecord[] done, IReadOnlyDictionary<string, double?[]> finals, int column, string path)
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
        plot.Title($"final {results.Schema.Columns[column].Name}");
        plot.XLabel(xAxis);
        plot.YLabel(yAxis);
        plot.SavePng(path, Width, Height);
    }

    private static void Curves(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column, string path)
    {
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var point in results.Points())
        {
            var seeds = point.Where(t => t.Status == TrialStatus.Done && rows.ContainsKey(t.Id))
                .Select(t => rows[t.Id].Where(r => r.Values[column] is { } v && double.IsFinite(v)).ToDictionary(r => r.Step, r => r.Values[column]!.Value))
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
            var x = steps.Select(s => (double)s).ToArray();
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
        plot.XLabel("step");
        plot.YLabel(results.Schema.Columns[column].Name);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, Width, Height);
    }

    private static void Profile(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column, string path)
    {
        var plot = NewPlot();
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
        plot.SavePng(path, Width, Height);
    }

    private static void Evolution(ExperimentResults results, TrialRecord[] done, Dictionary<string, MetricSample[]> rows, int column, string path)
    {
        var plot = NewPlot();
        var palette = new ScottPlot.Palettes.Category10();
        LinePattern[] patterns = [LinePattern.Solid, LinePattern.Dashed, LinePattern.Dotted, LinePattern.DenselyDashed];
        var index = 0;
        foreach (var point in results.Points())
        {
            var color = palette.GetColor(index++);
            var samples = point.Where(t => t.Status == TrialStatus.Done && rows.ContainsKey(t.Id))
                .SelectMany(t => rows[t.Id]).Where(r => r.GetVector(column) is { Length: > 0 }).ToArray();
            if (samples.Length == 0) continue;
            var byStep = samples.GroupBy(r => r.Step).OrderBy(g => g.Key).ToArray();
            var x = byStep.Select(g => (double)g.Key).ToArray();
            var components = Math.Min(MaxComponents, samples.Min(r => r.GetVector(column)!.Length));
            for (var j = 0; j < components; j++)
            {
                var component = j;
                var y = byStep.Select(g => g.Average(r => r.GetVector(column)![component])).ToArray();
                var line = plot.Add.Scatter(x, y, color);
                line.LineWidth = 2;
                line.MarkerSize = 0;
                line.LinePattern = patterns[j];
                line.LegendText = j == 0 ? point.Key : "";
            }
        }
        plot.Title($"{results.Schema.Columns[column].Name} over steps");
        plot.XLabel("step");
        plot.YLabel(results.Schema.Columns[column].Name);
        plot.ShowLegend(Edge.Right);
        plot.SavePng(path, Width, Height);
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
