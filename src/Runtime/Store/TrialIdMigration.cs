using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// Moves trials stored under the earlier id formula (point, seed and settings only) to their ids by content
/// (<see cref="TrialId.Compute(string, IReadOnlyList{KeyValuePair{string, string}}, int, ExperimentSettings, Experiments.Specs.TrialSpec)"/>),
/// so a store written before ids covered the resolved spec keeps its finished trials. A trial is moved only when its old
/// id is stored and its new id is absent or pending without rows; its rows move with it. The results are taken to have
/// been produced by today's spec for that point: a derived value that changed after they ran cannot be detected here
/// (re-run such trials by deleting them from the store).
/// </summary>
public static class TrialIdMigration
{
    /// <summary>Moves the experiment's trials at <paramref name="budget"/> that are stored under their old ids; returns how many moved.</summary>
    public static int Apply(IResultStore store, IExperimentDefinition experiment, Budget budget)
    {
        var stored = store.Trials(experiment.Name).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        var moved = 0;
        foreach (var trial in experiment.Trials(budget))
        {
            var old = TrialId.Compute(experiment.Name, trial.Parameters, trial.Seed, trial.Settings);
            if (old != trial.Id && stored.Contains(old) && store.RenameTrial(experiment.Name, old, trial.Id)) moved++;
        }
        return moved;
    }
}
