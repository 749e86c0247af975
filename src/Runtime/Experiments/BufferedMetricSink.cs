namespace Declarative.Runtime.Experiments;

/// <summary>Keeps rows in memory; the runner commits them with the trial's final status in one transaction.</summary>
public sealed class BufferedMetricSink : IMetricSink
{
    private readonly List<IMetricRow> _rows = [];
    private readonly Action<IMetricRow>? _onRow;

    public BufferedMetricSink(Action<IMetricRow>? onRow = null) => _onRow = onRow;

    public IReadOnlyList<IMetricRow> Rows => _rows;

    public void Write(IMetricRow row)
    {
        _rows.Add(row);
        _onRow?.Invoke(row);
    }
}
