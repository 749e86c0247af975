namespace Declarative.Runtime.Experiments;

/// <summary>A typed metric sample of one trial at one step; the generated row types implement it.</summary>
public interface IMetricRow
{
    long Step { get; }
    int Epoch { get; }

    /// <summary>The value of scalar column <paramref name="column"/> of the schema, null when not sampled at this step.</summary>
    double? GetValue(int column);

    /// <summary>The value of vector column <paramref name="column"/> of the schema, null when not sampled (or a scalar column).</summary>
    double[]? GetVector(int column) => null;
}

/// <summary>A stored metric sample, read back without its generated type. <c>Vectors[i]</c> holds vector column i.</summary>
public sealed record MetricSample(string TrialId, long Step, int Epoch, double?[] Values, double[]?[]? Vectors = null) : IMetricRow
{
    public double? GetValue(int column) => Values[column];

    public double[]? GetVector(int column) => Vectors?[column];
}
