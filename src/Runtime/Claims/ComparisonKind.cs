namespace Declarative.Runtime.Claims;

/// <summary>What a comparison of two sides asserts about their difference (side A − side B), with its threshold t ≥ 0.</summary>
internal enum ComparisonKind
{
    /// <summary>A is higher by more than t: the difference lies in (t, ∞).</summary>
    Greater,

    /// <summary>A is lower by more than t: (−∞, −t).</summary>
    Less,

    /// <summary>A and B agree within the margin t: (−t, t), two one-sided tests.</summary>
    Equivalent,

    /// <summary>A is not lower than B by more than the margin t (non-inferiority when higher is better): (−t, ∞).</summary>
    NotLower,

    /// <summary>A is not higher than B by more than the margin t (non-inferiority when lower is better): (−∞, t).</summary>
    NotHigher,
}
