namespace Declarative.Runtime.Claims;

/// <summary>
/// The values of an effect a claim asserts, as an open interval (Low, High) on the effect's working
/// scale (either end may be infinite): "greater by at least δ" is (δ, ∞), "equivalent within m" is
/// (−m, m), "not lower by more than m" is (−m, ∞). Every claim kind is decided by one rule against it
/// (<see cref="Decision"/>).
/// </summary>
internal readonly record struct Region(double Low, double High)
{
    public static Region Above(double boundary) => new(boundary, double.PositiveInfinity);

    public static Region Below(double boundary) => new(double.NegativeInfinity, boundary);

    /// <summary>The whole interval lies inside the region.</summary>
    public bool Contains(double lower, double upper) => lower > Low && upper < High;

    /// <summary>
    /// The whole interval lies outside the region (on either side of it). Strict, like <see cref="Contains"/>: an interval
    /// that touches the boundary (a discrete statistic can land on it exactly) decides neither way.
    /// </summary>
    public bool Excludes(double lower, double upper) => upper < Low || lower > High;

    /// <summary>The region's finite end nearest to <paramref name="value"/>.</summary>
    public double NearestBoundary(double value) =>
        double.IsInfinity(Low) ? High
        : double.IsInfinity(High) ? Low
        : Math.Abs(value - Low) <= Math.Abs(value - High) ? Low : High;

    /// <summary>The region in words on the display scale: "&gt; 0", "&lt; −0.5", "within (−0.01, 0.01)".</summary>
    public string Describe(Func<double, double> show) =>
        double.IsInfinity(High) ? $"> {ClaimText.Number(show(Low))}"
        : double.IsInfinity(Low) ? $"< {ClaimText.Number(show(High))}"
        : $"inside ({ClaimText.Number(show(Low))}, {ClaimText.Number(show(High))})";
}
