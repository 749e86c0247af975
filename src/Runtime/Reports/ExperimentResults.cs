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
    /// <summary>
    /// Stored trials of this experiment and budget that the current declaration no longer has (an axis value removed, or a
    /// derived value or default changed, which changes the trial's id): kept in the store, left out of the report and claims.
    /// </summary>
    public int Superseded { get; init; }

    /// <summary>
    /// Every trial the declaration may run at this budget (with a seed range, every point up to its maximum seeds), for
    /// the rounds of <see cref="Claims.AdaptiveSeeds"/>; null for results not read from a declaration (then the stored trials are the design).
    /// </summary>
    internal IReadOnlyList<ITrial>? Design { get; init; }

    /// <summary>The look at the claims these results are for (<see cref="Claims.AdaptiveSeeds"/>): the only one for a fixed seed count.</summary>
    internal Claims.Look Look { get; init; } = Claims.Look.Only;

    /// <summary>Reads the trials of the current declaration at <paramref name="budget"/> and their rows.</summary>
    public static ExperimentResults Load(IResultStore store, IExperimentDefinition experiment, Budget budget)
    {
        var stored = store.Trials(experiment.Name).Where(t => t.Budget == budget.Name).ToArray();
        var design = experiment.Trials(budget);
        var trials = CurrentTrials.Of(stored, budget, design.Select(t => t.Id).ToHashSet(StringComparer.Ordinal));
        var ids = trials.Select(t => t.Id).ToHashSet();
        var rows = store.Rows(experiment.Name, experiment.Schema).Where(r => ids.Contains(r.TrialId)).ToArray();
        return new ExperimentResults(experiment.Name, experiment.Summary, experiment.Declaration, budget,
            experiment.SettingsFor(budget), experiment.Axes, experiment.Schema, trials, rows)
        {
            Superseded = stored.Length - trials.Count,
            Design = design,
        };
    }

    /// <summary>The distinct values of a sweep axis, in numeric order when they are all numbers (else in order of appearance).</summary>
    public IReadOnlyList<string> AxisValues(string axis)
    {
        var values = Trials.Select(t => t.Parameter(axis) ?? "").Distinct().ToArray();
        var numbers = values.Select(v => double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) ? d : (double?)null).ToArray();
        return numbers.All(n => n.HasValue) ? values.Zip(numbers).OrderBy(p => p.Second!.Value).Select(p => p.First).ToArray() : values;
    }

    /// <summary>The trials grouped by sweep point (all seeds of one combination of axis values), in order of appearance.</summary>
    public IReadOnlyList<IGrouping<string, TrialRecord>> Points() =>
        Trials.GroupBy(PointLabel).ToArray();

    /// <summary>A sweep point in words: "LearningRate=0.01, BatchSize=32".</summary>
    public string PointLabel(TrialRecord trial) =>
        string.Join(", ", Axes.Select(a => $"{a}={trial.Parameter(a)}"));

    /// <summary>The last sampled value of each column for each trial (null when never sampled).</summary>
    public IReadOnlyDictionary<string, double?[]> FinalValues()
    {
        var result = new Dictionary<string, double?[]>();
        foreach (var group in Rows.GroupBy(r => r.TrialId))
        {
            var finals = new double?[Schema.Columns.Count];
            foreach (var row in group.OrderBy(r => r.Step))
                for (var i = 0; i < Math.Min(finals.Length, row.Values.Length); i++)
                    if (row.Values[i] is { } v) finals[i] = v;
            result[group.Key] = finals;
        }
        return result;
    }
}
