namespace Declarative.Runtime.Claims;

/// <summary>
/// Builds the strata a comparison or correlation is computed within: by default the levels of every
/// sweep axis the claim does not itself vary, so another axis's own effect is never counted as noise.
/// A claim that declares <c>within</c> gives its own stratum key instead (a constant key pools on purpose).
/// </summary>
internal static class Strata
{
    /// <summary>"LearningRate=0.1, Width=2" from the chosen axes, or the declared key.</summary>
    public static string Key(Observation o, IReadOnlyCollection<string> axes) =>
        o.Stratum ?? (axes.Count == 0 ? "all" : string.Join(", ", axes.Select(a => $"{a}={o.Parameter(a)}")));

    /// <summary>The axes in the order the trials carry them.</summary>
    public static IReadOnlyList<string> Axes(IEnumerable<Observation> observations) =>
        observations.SelectMany(o => o.Parameters.Select(p => p.Key)).Distinct().ToArray();

    /// <summary>
    /// For a comparison of two sides: the axes whose values on the two sides are disjoint are the compared
    /// ones; every other axis stratifies (points on one side only are left out of that stratum).
    /// </summary>
    public static IReadOnlyList<string> OtherThanCompared(IReadOnlyList<Observation> a, IReadOnlyList<Observation> b) =>
        Axes(a.Concat(b)).Where(axis =>
        {
            var left = a.Select(o => o.Parameter(axis)).ToHashSet();
            return b.Any(o => left.Contains(o.Parameter(axis)));
        }).ToArray();

    /// <summary>
    /// For a correlation with X: an axis is involved when two points that differ only in it have different X;
    /// the others stratify. For X = lr/B on an lr × B grid both axes are involved and nothing stratifies.
    /// </summary>
    public static IReadOnlyList<string> NotInvolvedIn(IReadOnlyList<Observation> observations)
    {
        var axes = Axes(observations);
        return axes.Where(axis =>
        {
            var others = axes.Where(a => a != axis).ToArray();
            return observations.GroupBy(o => string.Join("\u001f", others.Select(a => o.Parameter(a))))
                .All(g => g.Select(o => o.X).Distinct().Count() == 1);
        }).ToArray();
    }
}
