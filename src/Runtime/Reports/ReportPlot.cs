namespace Declarative.Runtime.Reports;

/// <summary>
/// One plot of a report: where it goes (a file name inside the experiment's plot folder), the section
/// and caption the markdown shows, and how to draw it. Planning is separate from drawing so the
/// markdown can be rendered (and snapshot-tested) without touching the disk.
/// </summary>
public sealed class ReportPlot
{
    internal ReportPlot(string fileName, string section, string caption, Func<(ScottPlot.Plot Plot, int Drawn)> draw)
    {
        FileName = fileName;
        Section = section;
        Caption = caption;
        _draw = draw;
    }

    private readonly Func<(ScottPlot.Plot Plot, int Drawn)> _draw;

    public string FileName { get; }

    /// <summary>The report section the plot is shown in: "Heatmaps", "Curves" or "Vector metrics".</summary>
    public string Section { get; }

    /// <summary>What the plot shows, in a sentence a reader can take without the code.</summary>
    public string Caption { get; }

    /// <summary>
    /// Draws the plot as a PNG of <see cref="ReportPlots.Width"/> × <see cref="ReportPlots.Height"/> pixels and returns how
    /// many data points it drew. A plot with no finite data point is never published: it throws, and the report lists it
    /// under the plots that could not be drawn (which CI rejects).
    /// </summary>
    public int Save(string path)
    {
        var (plot, drawn) = _draw();
        if (drawn == 0) throw new InvalidOperationException($"{FileName} has no finite data point to draw");
        plot.SavePng(path, ReportPlots.Width, ReportPlots.Height);
        return drawn;
    }
}
