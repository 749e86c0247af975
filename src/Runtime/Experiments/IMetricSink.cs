namespace Declarative.Runtime.Experiments;

/// <summary>Receives the metric rows of one running trial.</summary>
public interface IMetricSink
{
    void Write(IMetricRow row);
}
