namespace Declarative.Runtime.Claims;

/// <summary>What a monotone claim correlates: one value per sweep point (seeds averaged), or one per trial.</summary>
public enum MonotoneOver
{
    /// <summary>Average the finished seeds of each sweep point, then correlate across points (the default).</summary>
    SweepPoints,

    /// <summary>Correlate every finished trial on its own (seeds count as separate observations).</summary>
    Trials,
}
