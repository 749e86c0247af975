namespace Declarative.Runtime.Claims;

/// <summary>
/// The data behind a claim's verdict, for the report to draw next to it: groups per stratum with their
/// intervals (a comparison), the trials behind a correlation coloured by stratum, the series a fit was
/// made to, the points of an invariance or a bound. Plain numbers, so a claim never touches the plotting library.
/// </summary>
public sealed record EvidenceFigure(string XLabel, string YLabel, IReadOnlyList<EvidenceSeries> Series)
{
    /// <summary>Names for integer x positions (categories such as strata or sweep points); empty for a numeric x axis.</summary>
    public IReadOnlyList<string> XCategories { get; init; } = [];

    /// <summary>A horizontal reference line (a bound the claim compares with), or null.</summary>
    public double? ReferenceY { get; init; }

    /// <summary>Draw x on a log10 axis (a quantity spanning decades, such as lr/B or a step count).</summary>
    public bool LogX { get; init; }
}
