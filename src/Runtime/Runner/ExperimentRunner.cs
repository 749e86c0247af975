using System.Diagnostics;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;
using Declarative.Runtime.Torch;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Runs the trials of the selected experiments that are not yet finished, stores every trial's
/// rows and status, then renders the reports. A trial that throws is recorded as failed and the
/// sweep goes on; a trial whose loss stops being finite is recorded as diverged.
/// </summary>
public sealed class ExperimentRunner(TextWriter log)
{
    public int Run(IReadOnlyList<IExperimentDefinition> catalog, RunOptions options)
    {
        var selected = Select(catalog, options.Filter);
        TorchEnvironment.EnsureLoaded();
        TorchEnvironment.SetThreads(options.Threads);
        var device = TorchEnvironment.ResolveDevice(options.Device);

        using var store = new SqliteResultStore(options.StorePath);
        using var data = new DataCatalog(options.DataFolder);
        var failures = 0;
        foreach (var experiment in selected)
        {
            store.EnsureExperiment(experiment);
            var trials = experiment.Trials(options.Budget);
            store.AddTrials(experiment.Name, options.Budget, trials);
            var status = store.Trials(experiment.Name).ToDictionary(t => t.Id, t => t.Status);
            var todo = trials.Where(t => status[t.Id] is TrialStatus.Pending or TrialStatus.Running
                || (options.RetryFailed && status[t.Id] == TrialStatus.Failed)).ToArray();
            log.WriteLine($"{experiment.Name} [{options.Budget}]: {trials.Count} trials, {trials.Count - todo.Length} already finished, {todo.Length} to run ({experiment.SettingsFor(options.Budget).Describe()}).");

            var index = 0;
            foreach (var trial in todo)
            {
                index++;
                var label = $"{experiment.Name} {index}/{todo.Length} {Describe(trial)}";
                store.MarkRunning(trial.Id, Environment.MachineName);
                var sink = new BufferedMetricSink();
                var clock = Stopwatch.StartNew();
                try
                {
                    var context = new TrialContext(device, data, sink);
                    var outcome = experiment.Run(trial, context);
                    store.Complete(experiment.Name, experiment.Schema, trial.Id, outcome, sink.Rows, clock.Elapsed.TotalSeconds);
                    log.WriteLine($"  {label}: {outcome.Status.ToString().ToLowerInvariant()} after {outcome.Steps} steps in {clock.Elapsed.TotalSeconds:F1} s{Final(experiment, sink)}");
                }
                catch (DataSetException)
                {
                    store.Fail(trial.Id, "data set missing or unreadable", clock.Elapsed.TotalSeconds);
                    throw;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    failures++;
                    store.Fail(trial.Id, e.GetBaseException().Message, clock.Elapsed.TotalSeconds);
                    log.WriteLine($"  {label}: failed: {e.GetBaseException().Message}");
                }
            }
        }

        RenderReports(store, selected, options.Budget, options.ReportFolder);
        return failures == 0 ? 0 : 3;
    }

    public void RenderReports(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, Budget budget, string folder)
    {
        Directory.CreateDirectory(folder);
        var rendered = new List<ExperimentReport>();
        foreach (var experiment in experiments)
        {
            var results = ExperimentResults.Load(store, experiment, budget);
            if (results.Trials.Count == 0) continue;
            rendered.Add(ReportWriter.WriteExperiment(folder, results, ReportWriter.ClaimsOf(experiment)));
        }
        ReportWriter.WriteIndex(folder, rendered);
        log.WriteLine($"Reports: {Path.GetFullPath(folder)} ({rendered.Count} experiment(s)).");
    }

    public static IReadOnlyList<IExperimentDefinition> Select(IReadOnlyList<IExperimentDefinition> catalog, IReadOnlyList<string> filter)
    {
        if (filter.Count == 0) return catalog;
        var unknown = filter.Where(f => !catalog.Any(e => string.Equals(e.Name, f, StringComparison.OrdinalIgnoreCase))).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"Unknown experiment(s) in --filter: {string.Join(", ", unknown)}. Known experiments: {string.Join(", ", catalog.Select(e => e.Name))}.");
        return catalog.Where(e => filter.Any(f => string.Equals(e.Name, f, StringComparison.OrdinalIgnoreCase))).ToArray();
    }

    private static string Describe(ITrial trial) =>
        string.Join(" ", trial.Parameters.Select(p => $"{p.Key}={p.Value}")) + $" seed={trial.Seed}";

    private static string Final(IExperimentDefinition experiment, BufferedMetricSink sink)
    {
        if (sink.Rows.Count == 0) return "";
        var parts = new List<string>();
        for (var i = 0; i < experiment.Schema.Columns.Count; i++)
        {
            var last = sink.Rows.LastOrDefault(r => r.GetValue(i).HasValue)?.GetValue(i);
            if (last is { } v) parts.Add($"{experiment.Schema.Columns[i].Name}={MarkdownReport.Number(v)}");
        }
        return parts.Count == 0 ? "" : ": " + string.Join(", ", parts);
    }
}
