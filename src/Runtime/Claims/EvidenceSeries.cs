namespace Declarative.Runtime.Claims;

/// <summary>
/// One coloured set of points of an evidence figure: joined by a line or not, each with an optional ± error bar.
/// A faint series (the single seeds behind a mean) is drawn lighter in the colour of the series before it.
/// </summary>
public sealed record EvidenceSeries(string Label, IReadOnlyList<EvidencePoint> Points, bool Joined = false, bool Faint = false);
