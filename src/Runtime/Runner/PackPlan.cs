using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Packing;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Which trials of an experiment the runner may train together: those whose specs <see cref="PackedTrials"/>
/// can pack (same MLP shape, data and batch size; seeds and SGD hyper-parameters per member), in an
/// experiment whose generated code supports packing (<see cref="IExperimentDefinition.PackingObstacle"/>).
/// </summary>
public static class PackPlan
{
    /// <summary>
    /// For each trial that trains packed, the ids of its pack (itself included), in trial order. Packs are a function of
    /// the declaration alone, never of <c>--parallel</c> or the executor, so a trial trains with the same partners however
    /// it is scheduled: each group of trials that can pack is cut, in trial order, into the fewest packs of at most
    /// <see cref="PackedTrials.DefaultMaxMembers"/> trials, as equal in size as possible. Workers run whole packs; cores
    /// are shared between packs (and between trials that train alone), never by splitting a pack.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Groups(IExperimentDefinition experiment, Budget budget) =>
        Groups(experiment, [FirstRound(experiment, budget)]);

    /// <summary>
    /// As <see cref="Groups(IExperimentDefinition, Budget)"/> for an experiment with a seed range, whose later rounds
    /// (<see cref="Claims.AdaptiveSeeds"/>) follow from the stored results: each round is cut into packs on its own, so a
    /// pack is a function of the declaration and the round, never of <c>--parallel</c>, and never waits for a later round.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Groups(IExperimentDefinition experiment, Budget budget, Store.IResultStore store) =>
        experiment.SettingsFor(budget).AdaptiveSeeds ? Groups(experiment, Claims.AdaptiveSeeds.Of(store, experiment, budget).Rounds) : Groups(experiment, budget);

    private static Dictionary<string, IReadOnlyList<string>> Groups(IExperimentDefinition experiment, IEnumerable<IReadOnlyList<ITrial>> rounds)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var round in rounds)
            foreach (var pack in Packs(experiment, round))
                foreach (var id in pack) result[id] = pack;
        return result;
    }

    /// <summary>The trials every run starts with: all of them for a fixed seed count, every point at its first seeds for a seed range.</summary>
    internal static IReadOnlyList<ITrial> FirstRound(IExperimentDefinition experiment, Budget budget)
    {
        var settings = experiment.SettingsFor(budget);
        var trials = experiment.Trials(budget);
        return settings.AdaptiveSeeds ? trials.Where(t => t.Seed < settings.MinSeeds).ToArray() : trials;
    }

    /// <summary>The experiment's packs of two or more trials (ids in trial order) in its first round; see <see cref="Groups(IExperimentDefinition, Budget)"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Packs(IExperimentDefinition experiment, Budget budget) => Packs(experiment, FirstRound(experiment, budget));

    private static IReadOnlyList<IReadOnlyList<string>> Packs(IExperimentDefinition experiment, IReadOnlyList<ITrial> trials)
    {
        var packs = new List<IReadOnlyList<string>>();
        if (experiment.PackingObstacle is not null) return packs;
        if (Specs(experiment, trials) is not { } specs) return packs;
        foreach (var group in PackedTrials.Groups(specs, int.MaxValue))
        {
            var ids = group.Select(i => trials[i].Id).ToArray();
            var count = (ids.Length + PackedTrials.DefaultMaxMembers - 1) / PackedTrials.DefaultMaxMembers;
            for (int k = 0, start = 0; k < count; k++)
            {
                var size = ids.Length / count + (k < ids.Length % count ? 1 : 0);
                if (size >= 2) packs.Add(ids[start..(start + size)]);
                start += size;
            }
        }
        return packs;
    }

    /// <summary>One line for the run log: whether and how the experiment's trials pack.</summary>
    public static string Describe(IExperimentDefinition experiment, Budget budget, RunOptions options)
    {
        if (!options.Pack) return "each trial trains alone (--no-pack)";
        if (experiment.PackingObstacle is { } why) return $"each trial trains alone: {why}";
        var trials = FirstRound(experiment, budget);
        if (Specs(experiment, trials) is not { } specs || specs.Length == 0) return "each trial trains alone";
        var groups = PackedTrials.Groups(specs, int.MaxValue).Where(g => g.Count > 1).ToArray();
        if (groups.Length == 0)
        {
            return PackedTrials.CanPack([specs[0]], out var reason)
                ? "each trial trains alone: no two trials share the model shape, data and batch size"
                : $"each trial trains alone: {reason}";
        }
        var packs = Packs(experiment, budget);
        var packed = packs.Sum(p => p.Count);
        var round = experiment.SettingsFor(budget).AdaptiveSeeds ? " of the first round (later rounds are cut into packs the same way)" : "";
        return $"{packed} of {trials.Count} trials{round} train packed, in {packs.Count} pack(s) of one model shape and batch size fixed by the declaration " +
               $"(at most {PackedTrials.DefaultMaxMembers} trials each, one worker per pack; --no-pack to train each alone)";
    }

    private static TrialSpec[]? Specs(IExperimentDefinition experiment, IReadOnlyList<ITrial> trials)
    {
        try
        {
            return trials.Select(experiment.SpecFor).ToArray();
        }
        catch (NotSupportedException)
        {
            return null;
        }
    }
}
