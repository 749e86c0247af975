namespace Declarative.Runtime.Experiments;

/// <summary>
/// One metric column: its name (the instrument's), the cadence it is sampled at as declared, and
/// its shape (a scalar, or a vector such as top-k eigenvalues or a loss profile).
/// </summary>
public sealed record MetricColumn(string Name, string Cadence, bool IsVector = false)
{
    /// <summary>For a loss profile along a line, the α of each entry (so reports plot it against α); null otherwise.</summary>
    public IReadOnlyList<double>? Alphas { get; init; }
}
