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
