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
