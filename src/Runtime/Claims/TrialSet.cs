using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>The finished trials of a sweep as typed results, and how many trials were left out by status.</summary>
internal sealed class TrialSet<TPoint, TMetrics>
    where TMetrics : IMetricRow
{
    private TrialSet(IReadOnlyList<TrialResult<TPoint, TMetrics>> finished, IReadOnlyDictionary<TrialStatus, int> excluded)
    {
        Finished = finished;
        Excluded = excluded;
    }

    public IReadOnlyList<TrialResult<TPoint, TMetrics>> Finished { get; }

    /// <summary>Trials not done (diverged, failed, pending, running), by status.</summary>
    public IReadOnlyDictionary<TrialStatus, int> Excluded { get; }

    public int ExcludedCount => Excluded.Values.Sum();

    public static TrialSet<TPoint, TMetrics> Load(ExperimentResults results, ClaimBuilder<TPoint, TMetrics> builder)
    {
        var rows = results.Rows.GroupBy(r => r.TrialId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Step).ToArray());
        var finished = new List<TrialResult<TPoint, TMetrics>>();
        var excluded = new Dictionary<TrialStatus, int>();
        foreach (var trial in results.Trials)
        {
            if (trial.Status != TrialStatus.Done)
            {
                excluded[trial.Status] = excluded.GetValueOrDefault(trial.Status) + 1;
                continue;
            }
            var typed = rows.TryGetValue(trial.Id, out var samples) ? samples.Select(builder.ToMetrics).ToArray() : [];
            var parameters = string.Join(", ", trial.Parameters.Select(p => $"{p.Key}={p.Value}"));
            finished.Add(new TrialResult<TPoint, TMetrics>(trial.Id, builder.ToPoint(trial.Parameters), trial.Seed, typed)
            {
                PointKey = string.Join("\u001f", trial.Parameters.Select(p => p.Key + "=" + p.Value)),
                Parameters = trial.Parameters,
                Description = parameters.Length == 0 ? $"seed {trial.Seed}" : $"{parameters}, seed {trial.Seed}",
                StepsTrained = trial.Steps,
                EpochsTrained = trial.Epochs ?? 0,
                ReachedTarget = trial.ReachedTarget == true,
            });
        }
        return new TrialSet<TPoint, TMetrics>(finished, excluded);
    }

    /// <summary>The finite value of each finished trial (trials without one are counted in <paramref name="withoutValue"/>).</summary>
    public List<(TrialResult<TPoint, TMetrics> Trial, double Value)> Values(Func<TrialResult<TPoint, TMetrics>, double> value, out int withoutValue)
    {
        var list = new List<(TrialResult<TPoint, TMetrics>, double)>();
        withoutValue = 0;
        foreach (var trial in Finished)
        {
            var v = value(trial);
            if (double.IsFinite(v)) list.Add((trial, v)); else withoutValue++;
        }
        return list;
    }
}
