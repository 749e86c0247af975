using Declarative.Runtime.Experiments;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Which trials of an experiment the runner trains together: the groups of two or more of the experiment's
/// <see cref="IExperimentDefinition.Plan"/> (decided by <see cref="TrainingEngines"/>).
/// </summary>
public static class PackPlan
{
    /// <summary>
    /// For each trial that trains packed, the ids of its pack (itself included), in trial order. Packs are a function of
    /// the declaration alone, never of <c>--parallel</c> or the executor, so a trial trains with the same partners however
    /// it is scheduled: each group of trials that can pack is cut, in trial order, into the fewest packs of at most
    /// <see cref="TrainingEngines.MaxMembers"/> trials, as equal in size as possible. Workers run whole packs; cores
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

    private static IReadOnlyList<IReadOnlyList<string>> Packs(IExperimentDefinition experiment, IReadOnlyList<ITrial> trials) =>
        experiment.Plan(trials).Where(g => g.Trials.Count > 1).Select(g => (IReadOnlyList<string>)g.Trials.Select(t => t.Id).ToArray()).ToArray();

    /// <summary>One line for the run log and <c>list</c>: how the experiment's trials train (engines, packs, and why).</summary>
    public static string Describe(IExperimentDefinition experiment, Budget budget, RunOptions options)
    {
        var plan = experiment.Plan(FirstRound(experiment, budget));
        var trials = plan.Sum(g => g.Trials.Count);
        if (trials == 0) return "no trials";
        var packs = plan.Where(g => g.Trials.Count > 1).ToArray();
        if (!options.Pack) return $"each trial trains alone (--no-pack); engines: {Engines(plan)}";
        if (packs.Length == 0) return $"each trial trains alone; engines: {Engines(plan)}";
        var packed = packs.Sum(p => p.Trials.Count);
        var round = experiment.SettingsFor(budget).AdaptiveSeeds ? " of the first round (later rounds are cut into packs the same way)" : "";
        return $"{packed} of {trials} trials{round} train packed, in {packs.Length} pack(s) fixed by the declaration " +
               $"(at most {TrainingEngines.MaxMembers} trials each, one worker per pack; --no-pack to train each alone); engines: {Engines(plan)}";
    }

    /// <summary>Each distinct engine choice with its trial count, e.g. "stacked MLP, packed: ... (12 trials)".</summary>
    private static string Engines(IReadOnlyList<TrialGroup> plan) => string.Join("; ", plan
        .GroupBy(g => g.Engine.Engine == EngineKind.StackedMlp && g.Trials.Count > 1 ? "stacked MLP, packed" : g.Engine.Reason)
        .Select(g => $"{g.Key} ({g.Sum(x => x.Trials.Count)} trial(s))"));
}
