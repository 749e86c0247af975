using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Builds the claims of one experiment over its typed sweep points and metric rows. The generator
/// gives each experiment record a private static <c>Expect</c> of this type, so a claim reads
/// <c>Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize)</c>.
/// </summary>
public sealed partial class ClaimBuilder<TPoint, TMetrics>
    where TMetrics : IMetricRow
{
    public ClaimBuilder(Func<MetricSample, TMetrics> toMetrics, Func<IReadOnlyList<KeyValuePair<string, string>>, TPoint> toPoint)
    {
        ToMetrics = toMetrics;
        ToPoint = toPoint;
    }

    /// <summary>Turns a stored sample into the experiment's typed metric row.</summary>
    public Func<MetricSample, TMetrics> ToMetrics { get; }

    /// <summary>Turns a stored trial's parameters into the experiment's typed sweep point.</summary>
    public Func<IReadOnlyList<KeyValuePair<string, string>>, TPoint> ToPoint { get; }
}
