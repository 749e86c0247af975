using System.Diagnostics;
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
            var trials = experiment.Trials(options.Budget);
            EnsureHasTrials(experiment.Name, options.Budget, trials.Count);
            if (TrialIdMigration.Apply(store, experiment, options.Budget) is > 0 and var moved)
                log.WriteLine($"{experiment.Name} [{options.Budget}]: {moved} stored trial(s) moved to ids that cover their full spec (stored before ids did).");
            store.AddTrials(experiment.Name, options.Budget, trials);
            total += trials.Count;
            var retried = options.RetryFailed ? store.ResetFailed(experiment.Name, options.Budget) : 0;
            var stored = CurrentTrials.Of(store, experiment, options.Budget);
            var finished = stored.Count(t => t.Status is TrialStatus.Done or TrialStatus.Diverged or TrialStatus.Failed);
            var failed = stored.Count(t => t.Status == TrialStatus.Failed);
            log.WriteLine($"{experiment.Name} [{options.Budget}]: {trials.Count} trials, {finished} already finished" +
                $"{(failed > 0 ? $" ({failed} of them failed and kept as failed: add --retry-failed to run them again)" : "")}, {trials.Count - finished} to run" +
                $"{(retried > 0 ? $" ({retried} failed trial(s) retried)" : "")} ({experiment.SettingsFor(options.Budget).Describe()}); {PackPlan.Describe(experiment, options.Budget, options)}.");
        }
        view ??= options.Live ?? !Console.IsOutputRedirected ? new LiveProgressView() : new PlainProgressView(log, TimeSpan.FromSeconds(10));
        if (options.Slurm is { } slurm)
        {
            // The job array's tasks do the work (the hidden `drain` command); this process follows the store.
            log.WriteLine($"Executor: Slurm, {slurm.ArrayTasks} array task(s) of {slurm.CpusPerTask} CPU(s){(options.TrialTimeout is { } limit ? $", time limit {limit.TotalSeconds:F0} s per trial" : "")}. Store: {StoreFactory.Describe(options.StorePath)}");
            log.Flush();
            var code = new SlurmExecutor(log).Run(store, selected, options, total, view);
            RenderReports(store, selected, options.Budget, options.ReportFolder);
            return Math.Max(code, ReportFailures(store, selected, options.Budget));
        }
        log.WriteLine($"Workers: {options.Parallel} at once, {options.ThreadsPerWorker} thread(s) each{(options.TrialTimeout is { } t ? $", time limit {t.TotalSeconds:F0} s per trial" : "")}. Store: {StoreFactory.Describe(options.StorePath)}");
        log.Flush();

        using var interruption = new Interruption(watchWrapper: true);
        var sweep = new Sweep(store, StoreFactory.Resolve(options.StorePath), selected, options, total, interruption);
        view.Run(sweep.Loop);
        if (sweep.Interrupted is { } why)
        {
            log.WriteLine($"Stopped ({why}): {sweep.PutBack} running trial(s) stopped and put back; finished trials are kept. Run the same command again to resume.");
            return ExitCodes.Interrupted;
        }

        if (sweep.DataError is not null) throw new Data.DataSetException(sweep.DataError); // before the reports: an empty report helps no one
        if (sweep.StoreError is not null) throw new StoreException(sweep.StoreError);
        RenderReports(store, selected, options.Budget, options.ReportFolder);
        return ReportFailures(store, selected, options.Budget);
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
        log.WriteLine($"Drain on {RunnerIdentity.Current}: {options.Parallel} worker(s), {options.ThreadsPerWorker} thread(s) each. Store: {StoreFactory.Describe(options.StorePath)}");
        log.Flush();
        using var interruption = new Interruption(watchWrapper: false);
        var sweep = new Sweep(store, StoreFactory.Resolve(options.StorePath), selected, options, 0, interruption);
        new PlainProgressView(log, TimeSpan.FromSeconds(30)).Run(sweep.Loop);
        if (sweep.Interrupted is { } why)
        {
            log.WriteLine($"Stopped ({why}): {sweep.PutBack} running trial(s) put back.");
            return ExitCodes.Interrupted;
        }
        if (sweep.DataError is not null) throw new Data.DataSetException(sweep.DataError);
        if (sweep.StoreError is not null) throw new StoreException(sweep.StoreError);
        return 0;
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

    /// <summary>One run's loop: reap finished workers, release claims of dead local runners, claim and start trials, show progress.</summary>
    private sealed class Sweep(IResultStore store, string storeLocation, IReadOnlyList<IExperimentDefinition> experiments, RunOptions options, int total,
        Interruption interruption)
    {
        private sealed record Active(WorkerProcess Process, IReadOnlyList<TrialClaim> Claims, IReadOnlyList<string> Labels);

        private readonly List<Active> _active = [];
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Dictionary<string, string> _labels = [];
        private readonly Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> _packGroups = [];
        private int _finishedHere;
        private DateTime _lastReleaseCheck = DateTime.MinValue;

        public string? DataError { get; private set; }

        /// <summary>Why a worker could not write the store (full disk, damaged file, permissions): the sweep stops, as for <see cref="DataError"/>.</summary>
        public string? StoreError { get; private set; }

        /// <summary>Why the sweep stopped before its end (a signal, or the wrapper's end); null when it ran out of trials.</summary>
        public string? Interrupted { get; private set; }

        /// <summary>Trials this runner was running when it was interrupted, stopped and put back to pending.</summary>
        public int PutBack { get; private set; }

        public void Loop(IProgressSink sink)
        {
            RunnerIdentity.Hold();
            try
            {
                while (true)
                {
                    if (interruption.Reason is { } why)
                    {
                        StopAll(why);
                        break;
                    }
                    Reap(sink);
                    if (DateTime.UtcNow - _lastReleaseCheck > TimeSpan.FromSeconds(2)) ReleaseDeadLocalClaims(sink);
                    while (DataError is null && StoreError is null && _active.Count < options.Parallel && ClaimNext() is { } claims) Start(claims, sink);
                    if (_active.Count == 0 && (DataError is not null || StoreError is not null || !AnyRunningElsewhere())) break;
                    sink.Update(Progress());
                    Thread.Sleep(options.PollEvery);
                }
                sink.Update(Progress());
            }
            finally
            {
                foreach (var a in _active) a.Process.Dispose();
            }
        }

        /// <summary>Stops every worker of this runner and puts its trials back (guarded by their leases: a trial already stored stays done).</summary>
        private void StopAll(string why)
        {
            Interrupted = why;
            foreach (var a in _active)
            {
                a.Process.Kill();
                foreach (var claim in a.Claims)
                    if (store.Release(claim.TrialId, claim.Lease, $"the run was stopped ({why}); re-queued")) PutBack++;
            }
        }

        /// <summary>
        /// Claims the next trial, and with packing on, pending members of its pack group: up to the group's share
        /// per worker (its size / <see cref="RunOptions.Parallel"/>, at least 2) and at most
        /// <see cref="RunOptions.MaxPackMembers"/>; null when nothing is left to claim.
        /// </summary>
        private IReadOnlyList<TrialClaim>? ClaimNext()
        {
            foreach (var e in experiments)
            {
                // Only trials of the current declaration: a stored trial whose id it no longer has (a changed derived value) is not run.
                if (store.Claim(e.Name, options.Budget, RunnerIdentity.Current, RunnerIdentity.Host, options.StaleAfter, CurrentIds(e)) is not { } claim) continue;
                var claims = new List<TrialClaim> { claim };
                if (!options.Pack || !PackGroups(e).TryGetValue(claim.TrialId, out var group)) return claims;
                var rest = group.Where(id => id != claim.TrialId).ToList();
                // Split a group between the workers rather than leave cores idle: a pack trains on one worker's threads.
                var size = Math.Min(options.MaxPackMembers, Math.Max(2, (group.Count + options.Parallel - 1) / options.Parallel));
                while (claims.Count < size && rest.Count > 0
                       && store.Claim(e.Name, options.Budget, RunnerIdentity.Current, RunnerIdentity.Host, options.StaleAfter, rest) is { } member)
                {
                    claims.Add(member);
                    rest.Remove(member.TrialId);
                }
                return claims;
            }
            return null;
        }

        private readonly Dictionary<string, IReadOnlyCollection<string>> _currentIds = [];

        private IReadOnlyCollection<string> CurrentIds(IExperimentDefinition experiment) =>
            _currentIds.TryGetValue(experiment.Name, out var known) ? known
            : _currentIds[experiment.Name] = experiment.Trials(options.Budget).Select(t => t.Id).ToArray();

        /// <summary>For each trial of the experiment that can pack, the ids of the trials it can pack with (itself included).</summary>
        private IReadOnlyDictionary<string, IReadOnlyList<string>> PackGroups(IExperimentDefinition experiment)
        {
            if (_packGroups.TryGetValue(experiment.Name, out var known)) return known;
            return _packGroups[experiment.Name] = PackPlan.Groups(experiment, options.Budget);
        }

        private void Start(IReadOnlyList<TrialClaim> claims, IProgressSink sink)
        {
            var labels = claims.Select(c => Label(c.Experiment, c.TrialId)).ToArray();
            var args = new List<string> { "worker", "--store", storeLocation };
            foreach (var c in claims) args.AddRange(["--trial", c.TrialId, "--lease", c.Lease]);
            args.AddRange([
                "--device", options.Device, "--threads", options.ThreadsPerWorker.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--heartbeat-ms", ((int)options.HeartbeatEvery.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ]);
            if (options.DataFolder is not null) args.AddRange(["--data", Path.GetFullPath(options.DataFolder)]);
            if (options.WeightsFolder is not null) args.AddRange(["--weights", Path.GetFullPath(options.WeightsFolder)]);
            _active.Add(new Active(new WorkerProcess(args), claims, labels));
            var packed = claims.Count > 1 ? $" (packed, {claims.Count} trials)" : "";
            for (var i = 0; i < claims.Count; i++)
                sink.Started(labels[i] + (claims[i].Attempt > 1 ? $" (attempt {claims[i].Attempt})" : "") + packed);
        }

        private void Reap(IProgressSink sink)
        {
            foreach (var a in _active.ToArray())
            {
                if (!a.Process.HasExited)
                {
                    if (options.TrialTimeout is { } limit && a.Process.Elapsed > limit * a.Claims.Count) a.Process.KillForTimeout(); // a pack trains its members side by side: its limit scales with them
                    else continue;
                }
                var code = a.Process.ExitCode;
                var seconds = a.Process.Elapsed.TotalSeconds;
                var packed = a.Claims.Count > 1 ? $" (the worker of a pack of {a.Claims.Count} trials)" : "";
                foreach (var claim in a.Claims)
                {
                    // Guarded by the lease: a trial the worker already stored keeps its result.
                    if (a.Process.TimedOut)
                        store.Fail(claim, $"exceeded the trial time limit (--trial-timeout {options.TrialTimeout!.Value.TotalSeconds:F0} s{(a.Claims.Count > 1 ? $" per trial, {options.TrialTimeout!.Value.TotalSeconds * a.Claims.Count:F0} s for its pack of {a.Claims.Count}" : "")}) and was killed{packed}. Last stderr lines:\n{a.Process.StderrTail}", seconds);
                    else if (code == TrialWorker.DataMissing)
                        DataError = $"The data set is missing or unreadable: {a.Process.StderrTail}";
                    else if (code == TrialWorker.StoreUnusable)
                        StoreError = a.Process.StderrTail.Replace("error: ", "", StringComparison.Ordinal);
                    else if (code != TrialWorker.Stored)
                        store.Fail(claim, $"the worker process ended with {WorkerProcess.DescribeExit(code)}{packed}. Last stderr lines:\n{a.Process.StderrTail}", seconds);
                }

                for (var i = 0; i < a.Claims.Count; i++)
                {
                    var record = store.Trial(a.Claims[i].TrialId);
                    var status = record?.Status ?? TrialStatus.Failed;
                    if (status is TrialStatus.Done or TrialStatus.Diverged or TrialStatus.Failed) _finishedHere++;
                    var detail = status switch
                    {
                        TrialStatus.Done => $"{record!.Steps} steps in {seconds:F1} s{(a.Claims.Count > 1 ? $" (packed, {a.Claims.Count} trials)" : "")}",
                        TrialStatus.Diverged or TrialStatus.Failed => $"{record?.Error} ({seconds:F1} s)",
                        _ => $"claim lost ({WorkerProcess.DescribeExit(code)})",
                    };
                    sink.Finished(a.Labels[i], status.ToString().ToLowerInvariant(), detail);
                }
                a.Process.Dispose();
                _active.Remove(a);
            }
        }

        /// <summary>A claim held by a runner known to be dead (<see cref="RunnerIdentity.IsKnownDead"/>) is put back at once; any other waits for its lease to expire.</summary>
        private void ReleaseDeadLocalClaims(IProgressSink sink)
        {
            _lastReleaseCheck = DateTime.UtcNow;
            foreach (var e in experiments)
                foreach (var r in store.Running(e.Name, options.Budget))
                    if (RunnerIdentity.IsKnownDead(r.Runner)
                        && store.Release(r.TrialId, r.Lease, $"runner {r.Runner} died; re-queued"))
                        sink.Message($"  requeued {Label(e.Name, r.TrialId)}: its runner ({r.Runner}) is no longer running");
        }

        private bool AnyRunningElsewhere() => experiments.Any(e => store.Running(e.Name, options.Budget).Count > 0);

        private DateTime _lastSnapshot = DateTime.MinValue;
        private SweepProgress? _snapshot;

        private SweepProgress Progress()
        {
            if (_snapshot is not null && DateTime.UtcNow - _lastSnapshot < TimeSpan.FromMilliseconds(500)) return _snapshot;
            _lastSnapshot = DateTime.UtcNow;
            int done = 0, diverged = 0, failed = 0, left = 0;
            var running = new List<RunningTrialView>();
            var mine = _active.SelectMany(a => a.Claims).Select(c => c.Lease).ToHashSet();
            foreach (var e in experiments)
            {
                foreach (var t in CurrentTrials.Of(store, e, options.Budget))
                    switch (t.Status)
                    {
                        case TrialStatus.Done: done++; break;
                        case TrialStatus.Diverged: diverged++; break;
                        case TrialStatus.Failed: failed++; break;
                        case TrialStatus.Pending: left++; break;
                    }
                running.AddRange(store.Running(e.Name, options.Budget).Select(r =>
                    new RunningTrialView(Label(e.Name, r.TrialId), r.Step, r.TotalSteps, r.Loss, TimeSpan.FromSeconds(Math.Max(0, r.RunningSeconds)), mine.Contains(r.Lease))));
            }
            TimeSpan? eta = null;
            if (_finishedHere > 0)
            {
                var perTrial = _clock.Elapsed.TotalSeconds * Math.Min(options.Parallel, Math.Max(1, _finishedHere)) / _finishedHere;
                eta = TimeSpan.FromSeconds(perTrial * (left + running.Count * 0.5) / options.Parallel);
            }
            return _snapshot = new SweepProgress(total, done, diverged, failed, running, left, _clock.Elapsed, eta);
        }

        private string Label(string experiment, string trialId)
        {
            if (_labels.TryGetValue(trialId, out var label)) return label;
            var record = store.Trial(trialId);
            label = record is null ? $"{experiment} {trialId}" : $"{experiment} {Describe(record.Parameters, record.Seed)}";
            return _labels[trialId] = label;
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

    private static string Describe(IReadOnlyList<KeyValuePair<string, string>> parameters, int seed) =>
        string.Join(" ", parameters.Select(p => $"{p.Key}={p.Value}")) + $" seed={seed}";
}
