using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Reports;

/// <summary>Everything a report shows about one experiment at one budget, as read from the store.</summary>
public sealed record ExperimentResults(
    string Name,
    string Summary,
    string Declaration,
    Budget Budget,
    ExperimentSettings Settings,
    IReadOnlyList<string> Axes,
    MetricSchema Schema,
    IReadOnlyList<TrialRecord> Trials,
    IReadOnlyList<MetricSample> Rows)
{
    public static ExperimentResults Load(IResultStore store, IExperimentDefinition experiment, Budget budget)
    {
        var trials = store.Trials(experiment.Name).Where(t => t.Budget == budget.Name).ToArray();
        var ids = trials.Select(t => t.Id).ToHashSet();
        var rows = store.Rows(experiment.Name, experiment.Schema).Where(r => ids.Contains(r.TrialId)).ToArray();
        return new ExperimentResults(experiment.Name, experiment.Summary, experiment.Declaration, budget,
            experiment.SettingsFor(budget), experiment.Axes, experiment.Schema, trials, rows);
    }

    /// <summary>The last sampled value of each column for each trial (null when never sampled).</summary>
    public IReadOnlyDictionary<string, double?[]> FinalValues()
    {
        var result = new Dictionary<string, double?[]>();
        foreach (var group in Rows.GroupBy(r => r.TrialId))
        {
            var finals = new double?[Schema.Columns.Count];
            foreach (var row in group.OrderBy(r => r.Step))
                for (var i = 0; i < finals.Length; i++)
                    if (row.Values[i] is { } v) finals[i] = v;
            result[group.Key] = finals;
        }
        return result;
    }
}
