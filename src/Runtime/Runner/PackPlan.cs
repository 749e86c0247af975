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
    /// <summary>For each trial that has at least one pack partner, the ids of its group (itself included), in trial order.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Groups(IExperimentDefinition experiment, Budget budget)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>();
        if (experiment.PackingObstacle is not null) return result;
        var trials = experiment.Trials(budget);
        if (Specs(experiment, trials) is not { } specs) return result;
        foreach (var group in PackedTrials.Groups(specs, int.MaxValue))
        {
            if (group.Count < 2) continue;
            var ids = group.Select(i => trials[i].Id).ToArray();
            foreach (var id in ids) result[id] = ids;
        }
        return result;
    }

    /// <summary>One line for the run log: whether and how the experiment's trials pack.</summary>
    public static string Describe(IExperimentDefinition experiment, Budget budget, RunOptions options)
    {
        if (!options.Pack) return "each trial trains alone (--no-pack)";
        if (experiment.PackingObstacle is { } why) return $"each trial trains alone: {why}";
        var trials = experiment.Trials(budget);
        if (Specs(experiment, trials) is not { } specs || specs.Length == 0) return "each trial trains alone";
        var groups = PackedTrials.Groups(specs, int.MaxValue).Where(g => g.Count > 1).ToArray();
        if (groups.Length == 0)
        {
            return PackedTrials.CanPack([specs[0]], out var reason)
                ? "each trial trains alone: no two trials share the model shape, data and batch size"
                : $"each trial trains alone: {reason}";
        }
        var packed = groups.Sum(g => g.Count);
        return $"{packed} of {trials.Count} trials train packed, {groups.Length} group(s) of one model shape and batch size, split between {options.Parallel} worker(s), at most {options.MaxPackMembers} per pack (--no-pack to train each alone)";
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
