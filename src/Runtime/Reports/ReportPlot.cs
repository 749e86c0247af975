namespace Declarative.Runtime.Reports;

/// <summary>
/// One plot of a report: where it goes (a file name inside the experiment's plot folder), the section
/// and caption the markdown shows, and how to draw it. Planning is separate from drawing so the
/// markdown can be rendered (and snapshot-tested) without touching the disk.
/// </summary>
public sealed class ReportPlot
{
    internal ReportPlot(string fileName, string section, string caption, Action<string> save)
    {
        FileName = fileName;
        Section = section;
        Caption = caption;
        _save = save;
    }

    private readonly Action<string> _save;

    public string FileName { get; }

    /// <summary>The report section the plot is shown in: "Heatmaps", "Curves" or "Vector metrics".</summary>
    public string Section { get; }

    /// <summary>What the plot shows, in a sentence a reader can take without the code.</summary>
    public string Caption { get; }

    /// <summary>Draws the plot as a PNG of <see cref="ReportPlots.Width"/> × <see cref="ReportPlots.Height"/> pixels.</summary>
    public void Save(string path) => _save(path);
}
