using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// The stored trials that belong to an experiment's current declaration at a budget. A trial stays in the store
/// when the declaration stops having it (an axis value removed, a derived value or a default changed, which changes
/// the trial's id by content); such a trial is superseded: never run, counted or reported again.
/// </summary>
public static class CurrentTrials
{
    /// <summary>The stored trials of <paramref name="experiment"/> at <paramref name="budget"/> whose ids the declaration has.</summary>
    public static IReadOnlyList<TrialRecord> Of(IResultStore store, IExperimentDefinition experiment, Budget budget)
    {
        var current = experiment.Trials(budget).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
        return store.Trials(experiment.Name).Where(t => t.Budget == budget.Name && current.Contains(t.Id)).ToArray();
    }
}
