using System.Globalization;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// The effective size of one experiment's run at one budget: its length (exactly one of epochs,
/// steps, or a fixed number of updates whatever the batch size), seeds, and subsets (0 = whole set).
/// <see cref="Seeds"/> is every seed a sweep point may get (seeds 0 … Seeds − 1); with a seed range
/// (<see cref="MinSeeds"/> &gt; 0) it is the range's maximum, every point starts with MinSeeds seeds and the
/// runner adds seeds, in rounds, to the points that undecided claims read (<see cref="Claims.AdaptiveSeeds"/>).
/// With a <see cref="Target"/> (<c>[TrainUntil]</c>) the length is a cap: each trial stops at the first epoch end at which it
/// reaches the target, and trains at most <see cref="Epochs"/> epochs.
/// </summary>
public sealed record ExperimentSettings(int Epochs, int Seeds, int TrainSubset, int TestSubset, int Steps = 0, int Updates = 0, int MinSeeds = 0)
{
    /// <summary>True when the seeds per point are a range (MinSeeds to Seeds) decided by the claims, not a fixed count.</summary>
    public bool AdaptiveSeeds => MinSeeds > 0 && MinSeeds < Seeds;

    /// <summary>
    /// The target a trial trains until (<c>[TrainUntil]</c>), checked at each epoch end, with <see cref="Epochs"/> as the cap;
    /// null (the default) for a fixed length. Part of the trial's identity.
    /// </summary>
    public TrainingTarget? Target { get; init; }

    /// <summary>
    /// The seed counts per point at which the claims are looked at, fixed before any result: MinSeeds, 2·MinSeeds,
    /// 4·MinSeeds, … and last Seeds (the maximum); one look at <see cref="Seeds"/> for a fixed seed count.
    /// </summary>
    public IReadOnlyList<int> SeedLooks()
    {
        if (!AdaptiveSeeds) return [Seeds];
        var looks = new List<int>();
        for (var n = MinSeeds; n < Seeds; n *= 2) looks.Add(n);
        looks.Add(Seeds);
        return looks;
    }

    public string Describe()
    {
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var length = Updates > 0 ? $"{N(Updates)} updates" : Steps > 0 ? $"{N(Steps)} steps" : $"{N(Epochs)} epoch(s)";
        if (Target is { } target) length = $"until {target.Describe()} at an epoch end, at most {length}";
        var seeds = AdaptiveSeeds
            ? $"{N(MinSeeds)} to {N(Seeds)} seeds per point (adaptive: looks at {string.Join(", ", SeedLooks().Select(N))})"
            : $"{N(Seeds)} seed(s)";
        return $"{length}, {seeds}, train subset {(TrainSubset == 0 ? "all" : N(TrainSubset))}, test subset {(TestSubset == 0 ? "all" : N(TestSubset))}";
    }
}
