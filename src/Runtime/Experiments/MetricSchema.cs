namespace Declarative.Runtime.Experiments;

/// <summary>The columns of an experiment's metric row, in order: what the store creates and the report reads.</summary>
public sealed record MetricSchema(IReadOnlyList<MetricColumn> Columns)
{
    public int IndexOf(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (Columns[i].Name == name) return i;
        return -1;
    }
}

/// <summary>
/// One metric column: its name (the instrument's), the cadence it is sampled at as declared, and
/// its shape (a scalar, or a vector such as top-k eigenvalues or a loss profile).
/// </summary>
public sealed record MetricColumn(string Name, string Cadence, bool IsVector = false)
{
    /// <summary>For a loss profile along a line, the α of each entry (so reports plot it against α); null otherwise.</summary>
    public IReadOnlyList<double>? Alphas { get; init; }
}
