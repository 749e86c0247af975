using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The one verdict rule every claim kind uses. A claim names a region of its effect (<see cref="Region"/>)
/// and builds a two-sided interval at its confidence c. It <b>holds</b> when the interval lies inside the
/// region, <b>fails</b> when it lies entirely outside, and is <b>inconclusive</b> otherwise. Each end of
/// the region is therefore tested one-sided at level (1 − c)/2 (2.5% at c = 0.95): an equivalence region
/// (−m, m) is the two one-sided tests (TOST) at that level. An inconclusive verdict states the minimum
/// detectable effect at the current seeds, (t₁₋₍₁₋c₎/₂ + t_power)·se with 80% power, and the seeds per sweep
/// point at which an effect as large as the observed one (measured from the nearest boundary of the region)
/// would be decided with that power at the observed spread (at the same look-adjusted level). With a seed range the claim is looked at after each round of
/// seeds, and the <c>look</c> says which of the planned looks this is: the claim has built its interval at the
/// look-adjusted confidence (<see cref="Look.Confidence"/>), and the verdict says so.
/// </summary>
internal static class Decision
{
    /// <summary>The power the inconclusive message's minimum detectable effect and seed count refer to.</summary>
    public const double Power = 0.8;

    /// <summary>Seed counts above this are reported as "more than".</summary>
    public const int MaxSeeds = 1000;

    public sealed record Outcome(Verdict Verdict, string Text, IReadOnlyDictionary<string, double> Numbers);

    public static Outcome Decide(Effect effect, Region region, double confidence, string what, Look look)
    {
        var show = effect.Show;
        var level = ClaimText.Percent(confidence);
        var numbers = new Dictionary<string, double>
        {
            ["estimate"] = show(effect.Estimate), ["lower"] = show(effect.Lower), ["upper"] = show(effect.Upper),
        };
        var interval = $"{what} {ClaimText.Number(show(effect.Estimate))}, {level} CI [{ClaimText.Number(show(effect.Lower))}, {ClaimText.Number(show(effect.Upper))}]";
        var claimed = region.Describe(show);
        if (look.Count > 1)
        {
            interval += $" ({look.Describe(confidence)})";
            numbers["look"] = look.Index;
            numbers["looks"] = look.Count;
        }
        if (region.Contains(effect.Lower, effect.Upper))
            return new Outcome(Verdict.Holds, $"{interval}: inside the claimed region ({claimed})", numbers);
        if (region.Excludes(effect.Lower, effect.Upper))
            return new Outcome(Verdict.Fails, $"{interval}: entirely outside the claimed region ({claimed})", numbers);

        var text = $"{interval}: straddles the boundary of the claimed region ({claimed})";
        if (effect.Undecidable is { } note || !(effect.StandardError > 0) || effect.AtSeeds is null)
            return new Outcome(Verdict.Inconclusive, $"{text}; {effect.Undecidable ?? "the interval has no spread to shrink"}", numbers);

        var boundary = region.NearestBoundary(effect.Estimate);
        var toward = effect.Estimate >= boundary ? 1 : -1;
        var mde = DetectableDistance(effect.StandardError, effect.DegreesOfFreedom, confidence);
        var mdeShown = Math.Abs(show(boundary + toward * mde) - show(boundary));
        numbers["mde"] = mdeShown;
        text += $"; minimum detectable effect at {effect.Seeds} seed{(effect.Seeds == 1 ? "" : "s")} per point ({ClaimText.Percent(Power)} power): " +
                $"{ClaimText.Number(mdeShown)} beyond {ClaimText.Number(show(boundary))}";
        var distance = Math.Abs(effect.Estimate - boundary);
        var seeds = SeedsToDecide(effect, distance, confidence);
        if (seeds is { } n)
        {
            numbers["seedsToDecide"] = n;
            text += $"; about {n} seeds per point would decide it at the observed spread";
        }
        else
            text += $"; at the observed spread not even {MaxSeeds} seeds per point would decide it (the estimate sits on the boundary)";
        return new Outcome(Verdict.Inconclusive, text, numbers);
    }

    /// <summary>(t at the one-sided test level + t at <see cref="Power"/>) · se: the distance from a boundary that is decided with that power.</summary>
    public static double DetectableDistance(double standardError, double degreesOfFreedom, double confidence) =>
        (Statistics.StudentTQuantile(0.5 + confidence / 2, degreesOfFreedom) + Statistics.StudentTQuantile(Power, degreesOfFreedom)) * standardError;

    /// <summary>The smallest seed count whose detectable distance is within <paramref name="distance"/> (it shrinks as seeds grow: bisection).</summary>
    private static int? SeedsToDecide(Effect effect, double distance, double confidence)
    {
        if (!(distance > 0)) return null;
        bool Decides(int n)
        {
            var (se, df) = effect.AtSeeds!(n);
            return DetectableDistance(se, df, confidence) <= distance;
        }
        if (!Decides(MaxSeeds)) return null;
        int low = effect.Seeds, high = MaxSeeds; // Decides(high) holds; low is below the answer
        while (high - low > 1)
        {
            var mid = (low + high) / 2;
            if (Decides(mid)) high = mid; else low = mid;
        }
        return high;
    }
}
