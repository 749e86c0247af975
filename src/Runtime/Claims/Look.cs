namespace Declarative.Runtime.Claims;

/// <summary>
/// Which of an experiment's planned looks at its claims a check is (<see cref="AdaptiveSeeds"/>). An experiment with a
/// seed range looks at its claims after each round of seeds, up to <see cref="Count"/> times; every look builds the
/// claim's interval at the look-adjusted confidence 1 − (1 − c)/L, so each boundary is tested one-sided at (1 − c)/(2L)
/// per look (Bonferroni over the L planned looks), and the chance that a claim with no effect behind it holds at any
/// look is at most (1 − c)/2, whenever the sweep stops. With one look (a fixed seed count) nothing changes.
/// </summary>
internal sealed record Look(int Index, int Count)
{
    /// <summary>The single look of an experiment with a fixed seed count: the claim's own confidence.</summary>
    public static Look Only { get; } = new(1, 1);

    /// <summary>The confidence of the interval this look builds for a claim declared at <paramref name="confidence"/>.</summary>
    public double Confidence(double confidence) => Count == 1 ? confidence : 1 - (1 - confidence) / Count;

    /// <summary>"look 2 of 3; each look tests at 0.833% per side, Bonferroni over the 3 planned looks"; empty for a single look.</summary>
    public string Describe(double lookConfidence) =>
        Count == 1 ? "" : $"look {Index} of {Count}; each look tests at {ClaimText.Percent((1 - lookConfidence) / 2)} per side, Bonferroni over the {Count} planned looks";
}
