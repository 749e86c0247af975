namespace Declarative.Runtime.Claims;

/// <summary>
/// An estimated effect with its two-sided interval at the claim's confidence, on the scale the
/// interval is built on (a difference of means, Fisher's z of a rank correlation, a log variance
/// ratio). <see cref="Show"/> maps that scale to the one the reader sees (tanh for z). The interval is
/// Estimate ± t(df)·StandardError where a t rule applies; statistics with another interval (an F
/// ratio, a bootstrap) carry NaN standard error and say in <see cref="Undecidable"/> what would narrow it.
/// </summary>
internal sealed record Effect(double Estimate, double Lower, double Upper, double StandardError, double DegreesOfFreedom, int Seeds)
{
    /// <summary>The standard error and degrees of freedom the same design would have with this many seeds per sweep point.</summary>
    public Func<int, (double StandardError, double DegreesOfFreedom)>? AtSeeds { get; init; }

    /// <summary>Maps the working scale to the displayed one (identity unless the interval is built on a transform).</summary>
    public Func<double, double> Show { get; init; } = v => v;

    /// <summary>For statistics without a seeds-to-power rule: what would decide an inconclusive verdict.</summary>
    public string? Undecidable { get; init; }

    /// <summary>Estimate ± t(df, two-sided confidence)·se.</summary>
    public static Effect FromT(double estimate, double standardError, double degreesOfFreedom, int seeds, double confidence)
    {
        if (!(standardError > 0)) return new Effect(estimate, estimate, estimate, 0, double.PositiveInfinity, seeds);
        var half = Reports.Statistics.StudentTQuantile(0.5 + confidence / 2, degreesOfFreedom) * standardError;
        return new Effect(estimate, estimate - half, estimate + half, standardError, degreesOfFreedom, seeds);
    }
}
