namespace Declarative.Runtime.Experiments;

/// <summary>A stored metric sample, read back without its generated type. <c>Vectors[i]</c> holds vector column i.</summary>
public sealed record MetricSample(string TrialId, long Step, int Epoch, double?[] Values, double[]?[]? Vectors = null) : IMetricRow
{
    public double? GetValue(int column) => Values[column];

    public double[]? GetVector(int column) => Vectors?[column];
}
