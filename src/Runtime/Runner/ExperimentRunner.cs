using System.Diagnostics;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;
using Declarative.Runtime.Torch;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Runs the trials of the selected experiments that are not yet finished, each in its own worker
/// process (see <see cref="TrialWorker"/>), up to <see cref="RunOptions.Parallel"/> at once, then
/// renders the reports. Trials are claimed atomically from the store, so several runners can share
/// one store; a trial whose runner died (its lock file on this machine is free, or its heartbeat is
/// stale) is run again. A worker that aborts, is killed or exceeds the time limit fails its trial
/// only, with the cause stored; a trial whose loss stops being finite is recorded as diverged.
/// </summary>
public sealed class ExperimentRunner(TextWriter log)
{
    public int Run(IReadOnlyList<IExperimentDefinition> catalog, RunOptions options, IProgressView? view = null)
    {
        var selected = Select(catalog, options.Filter);
        EnsureWritable(options.ReportFolder, "--reports");
        if (options.WeightsFolder is not null) EnsureWritable(options.WeightsFolder, "--weights");
        if (!options.Device.Equals("auto", StringComparison.OrdinalIgnoreCase) && !options.Device.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            // Refuse an unavailable GPU once here rather than failing every trial in its worker.
            TorchEnvironment.EnsureLoaded();
            TorchEnvironment.ResolveDevice(options.Device);
        }
        if (options.DataFolder is not null && !Directory.Exists(options.DataFolder))
            throw new Data.DataSetException($"The data folder '{options.DataFolder}' given with --data does not exist.");

        using var store = StoreFactory.Open(options.StorePath);
        var total = 0;
        foreach (var experiment in selected)
        {
            store.EnsureExperiment(experiment);
            var settings = experiment.SettingsFor(options.Budget);
            var design = experiment.Trials(options.Budget);
            EnsureHasTrials(experiment.Name, options.Budget, design.Count);
            if (TrialIdMigration.Apply(store, experiment, options.Budget) is > 0 and var moved)
                log.WriteLine($"{experiment.Name} [{options.Budget}]: {moved} stored trial(s) moved to ids that cover their full spec (stored before ids did).");
            // A fixed seed count adds every trial; a seed range adds the rounds its stored results call for (round 1 on a new store).
            IReadOnlyList<ITrial> trials = settings.AdaptiveSeeds ? AdaptiveSeeds.Of(store, experiment, options.Budget).Trials.ToArray() : design;
            store.AddTrials(experiment.Name, options.Budget, trials);
            total += trials.Count;
            var retried = options.RetryFailed ? store.ResetFailed(experiment.Name, options.Budget) : 0;
            var stored = CurrentTrials.Of(store, experiment, options.Budget);
            var finished = stored.Count(t => t.Status is TrialStatus.Done or TrialStatus.Diverged or TrialStatus.Failed);
            var failed = stored.Count(t => t.Status == TrialStatus.Failed);
            log.WriteLine($"{experiment.Name} [{options.Budget}]: {trials.Count} trials{(settings.AdaptiveSeeds ? $" so far (seeds per point adaptive, up to {design.Count} trials)" : "")}, {finished} already finished" +
                $"{(failed > 0 ? $" ({failed} of them failed and kept as failed: add --retry-failed to run them again)" : "")}, {trials.Count - finished} to run" +
                $"{(retried > 0 ? $" ({retried} failed trial(s) retried)" : "")} ({settings.Describe()}); {PackPlan.Describe(experiment, options.Budget, options)}.");
        }
        view ??= options.Live ?? !Console.IsOutputRedirected ? new LiveProgressView() : new PlainProgressView(log, TimeSpan.FromSeconds(10));
        IExecutor executor = options.Slurm is null ? new LocalExecutor(log, watchWrapper: true) : new SlurmExecutor(log);
        int code;
        while (true)
        {
            code = executor.Run(store, selected, options, total, view);
            if (code == ExitCodes.Interrupted) return code;
            // Rounds of a seed range: the next one follows from the stored results alone, so an interrupted sweep resumes to the same trials.
            var added = NextRounds(store, selected, options.Budget);
            if (added == 0) break;
            total += added;
        }
        RenderReports(store, selected, options.Budget, options.ReportFolder);
        return Math.Max(code, ReportFailures(store, selected, options.Budget));
    }

    /// <summary>
    /// After a round: for each experiment with a seed range, checks the claims on the stored results (<see cref="AdaptiveSeeds"/>)
    /// and adds the next round's trials, with one line naming the round, the undecided claims and the points that get seeds.
    /// Returns how many trials were added (0: every sweep is finished).
    /// </summary>
    private int NextRounds(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, Budget budget)
    {
        var added = 0;
        foreach (var experiment in experiments.Where(e => e.SettingsFor(budget).AdaptiveSeeds))
        {
            var plan = AdaptiveSeeds.Of(store, experiment, budget);
            var stored = store.Trials(experiment.Name).Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
            var fresh = plan.Trials.Where(t => !stored.Contains(t.Id)).ToArray();
            var decided = plan.Verdicts.Select((v, i) => (v, i)).Where(x => x.v.Verdict != Verdict.Inconclusive)
                .Select(x => $"{x.v.Name} {x.v.Verdict.ToString().ToLowerInvariant()} at look {plan.LookOf[x.i]}").ToArray();
            if (fresh.Length == 0)
            {
                if (plan.Finished)
                    log.WriteLine($"{experiment.Name} [{budget}]: adaptive seeds finished after round {plan.Round} of {plan.Looks.Count}" +
                        $"{(decided.Length > 0 ? $" ({string.Join(", ", decided)})" : "")}{(decided.Length < plan.Verdicts.Count ? $"; undecided: {string.Join(", ", plan.Verdicts.Where(v => v.Verdict == Verdict.Inconclusive).Select(v => v.Name))}" : "")}.");
                continue;
            }
            store.AddTrials(experiment.Name, budget, plan.Trials);
            added += fresh.Length;
            var points = fresh.Select(t => Describe(t.Parameters, 0)).Distinct().Count();
            var all = plan.SeedsPerPoint.Count;
            log.WriteLine($"{experiment.Name} [{budget}]: round {plan.Round} of {plan.Looks.Count}: {fresh.Length} trial(s) added, seeds up to {plan.Looks[plan.Round - 1]} at {points} of {all} point(s) " +
                $"for the undecided claim(s) {string.Join(", ", plan.Verdicts.Where(v => v.Verdict == Verdict.Inconclusive).Select(v => v.Name))}" +
                $"{(decided.Length > 0 ? $" (decided: {string.Join(", ", decided)})" : "")}{(points < all ? $"; the other {all - points} point(s) stop" : "")}.");
        }
        log.Flush();
        return added;
    }

    /// <summary>
    /// Every axis has a value and Seeds >= 1 (compile-time checks), so only an <c>Excluded</c> that drops
    /// every point leaves no trial: an error naming it, rather than a run of nothing that exits 0.
    /// </summary>
    internal static void EnsureHasTrials(string experiment, Budget budget, int trials)
    {
        if (trials == 0)
            throw new ArgumentException($"Experiment '{experiment}' has no trials at the {budget} budget: its Excluded property removes every sweep point. Change Excluded so that it keeps at least one point.");
    }

    /// <summary>
    /// The hidden <c>drain</c> command, one per Slurm array task: claims and runs the selected
    /// experiments' trials (already added by the submitting runner) until none is pending and none
    /// is running elsewhere, so a trial of a task that died is taken over once its heartbeat is stale.
    /// No reports: the submitting runner renders them.
    /// </summary>
    public int Drain(IReadOnlyList<IExperimentDefinition> catalog, RunOptions options)
    {
        var selected = Select(catalog, options.Filter);
        using var store = StoreFactory.Open(options.StorePath);
        log.WriteLine($"Drain on {RunnerIdentity.Current}.");
        return new LocalExecutor(log, watchWrapper: false).Run(store, selected, options, 0, new PlainProgressView(log, TimeSpan.FromSeconds(30)));
    }

    /// <summary>
    /// After a sweep: names the failed trials of the selected experiments (run here or before) and how to retry them.
    /// The exit code says whether the sweep is complete (<see cref="ExitCodes.Success"/>) or has failed trials.
    /// </summary>
    private int ReportFailures(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, Budget budget)
    {
        var failed = experiments
            .Select(e => (e.Name, Count: CurrentTrials.Of(store, e, budget).Count(t => t.Status == TrialStatus.Failed)))
            .Where(x => x.Count > 0).ToArray();
        if (failed.Length == 0) return ExitCodes.Success;
        log.WriteLine($"Failed trials: {string.Join(", ", failed.Select(f => $"{f.Name} {f.Count}"))}. Their verdicts were computed without them; " +
            "the errors are in the store (export with `export`). Run again with --retry-failed to retry them.");
        return ExitCodes.TrialsFailed;
    }

    /// <summary>Fails before any trial runs when an output folder cannot be written, so no work is lost at the end.</summary>
    internal static void EnsureWritable(string folder, string option)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, $".write-test-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"The output folder '{Path.GetFullPath(folder)}' ({option}) is not writable: {e.Message} Choose another with {option}; nothing was run or deleted.");
        }
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

    internal static string Describe(IReadOnlyList<KeyValuePair<string, string>> parameters, int seed) =>
        string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}")) + $" seed={seed}";
}
