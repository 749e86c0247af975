using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>Small helpers the claims share to build their evidence figures.</summary>
internal static class Figures
{
    /// <summary>Mean of a group with the half-width of its 95% t-interval (0 for a single value).</summary>
    public static (double Mean, double Half) MeanWithInterval(IReadOnlyList<double> values) =>
        (Statistics.Mean(values), values.Count < 2 ? 0 : Statistics.StudentTQuantile(0.975, values.Count - 1) * Statistics.StandardDeviation(values) / Math.Sqrt(values.Count));

    /// <summary>A quantity spanning two decades or more of positive values is drawn on a log axis.</summary>
    public static bool SpansDecades(IEnumerable<double> xs)
    {
        var values = xs.Where(double.IsFinite).ToArray();
        return values.Length > 1 && values.All(x => x > 0) && values.Max() / values.Min() >= 100;
    }
}
