using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// The stored trials that belong to an experiment's current declaration at a budget. A trial stays in the store
/// when the declaration stops having it (an axis value removed, a derived value or a default changed, which changes
/// the trial's id by content); such a trial is superseded: never run, counted or reported again.
/// </summary>
public static class CurrentTrials
{
    /// <summary>The ids the declaration has at <paramref name="budget"/> (each a hash of its resolved spec: callers that poll keep this set).</summary>
    public static IReadOnlySet<string> Ids(IExperimentDefinition experiment, Budget budget) =>
        experiment.Trials(budget).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);

    /// <summary>The stored trials of <paramref name="experiment"/> at <paramref name="budget"/> whose ids the declaration has.</summary>
    public static IReadOnlyList<TrialRecord> Of(IResultStore store, IExperimentDefinition experiment, Budget budget) =>
        Of(store.Trials(experiment.Name), budget, Ids(experiment, budget));

    /// <summary>The records at <paramref name="budget"/> among <paramref name="stored"/> whose ids are in <paramref name="current"/>.</summary>
    public static IReadOnlyList<TrialRecord> Of(IEnumerable<TrialRecord> stored, Budget budget, IReadOnlySet<string> current) =>
        stored.Where(t => t.Budget == budget.Name && current.Contains(t.Id)).ToArray();
}
