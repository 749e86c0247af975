namespace Declarative.Runtime.Experiments;

/// <summary>A typed metric sample of one trial at one step; the generated row types implement it.</summary>
public interface IMetricRow
{
    long Step { get; }
    int Epoch { get; }

    /// <summary>The value of column <paramref name="column"/> of the experiment's schema, null when not sampled at this step.</summary>
    double? GetValue(int column);
}

/// <summary>A stored metric sample, read back without its generated type.</summary>
public sealed record MetricSample(string TrialId, long Step, int Epoch, double?[] Values) : IMetricRow
{
    public double? GetValue(int column) => Values[column];
}
