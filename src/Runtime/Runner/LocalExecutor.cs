using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Runs the sweep here: worker processes of this machine (one trial, or one pack, each), up to
/// <see cref="RunOptions.Parallel"/> at once, claimed from the store until none is left. Also what each Slurm array
/// task runs (the hidden <c>drain</c> command). Stops cleanly on SIGINT/SIGTERM (<see cref="Interruption"/>); a missing
/// data set or a store that cannot be written stops the sweep with one message.
/// </summary>
internal sealed class LocalExecutor(TextWriter log, bool watchWrapper) : IExecutor
{
    public int Run(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, RunOptions options, int total, IProgressView view)
    {
        log.WriteLine($"Workers: {options.Parallel} at once, {options.ThreadsPerWorker} thread(s) each{(options.TrialTimeout is { } t ? $", time limit {t.TotalSeconds:F0} s per trial" : "")}. Store: {StoreFactory.Describe(options.StorePath)}");
        log.Flush();
        using var interruption = new Interruption(watchWrapper);
        var sweep = new Sweep(store, StoreFactory.Resolve(options.StorePath), experiments, options, total, interruption);
        view.Run(sweep.Loop);
        if (sweep.Interrupted is { } why)
        {
            log.WriteLine($"Stopped ({why}): {sweep.PutBack} running trial(s) stopped and put back; finished trials are kept. Run the same command again to resume.");
            return ExitCodes.Interrupted;
        }
        if (sweep.DataError is not null) throw new Data.DataSetException(sweep.DataError); // before the reports: an empty report helps no one
        if (sweep.StoreError is not null) throw new StoreException(sweep.StoreError);
        return ExitCodes.Success;
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
        /// Claims the next trial, and with packing on, the other pending members of its pack (<see cref="PackPlan"/>: fixed
        /// by the declaration, so a trial trains with the same partners whatever <c>--parallel</c> or the executor);
        /// null when nothing is left to claim.
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
                while (rest.Count > 0
                       && store.Claim(e.Name, options.Budget, RunnerIdentity.Current, RunnerIdentity.Host, options.StaleAfter, rest) is { } member)
                {
                    claims.Add(member);
                    rest.Remove(member.TrialId);
                }
                return claims;
            }
            return null;
        }

        private readonly Dictionary<string, IReadOnlySet<string>> _currentIds = [];

        /// <summary>The declaration's trial ids, computed once per sweep (each is a hash of the trial's resolved spec).</summary>
        private IReadOnlySet<string> CurrentIds(IExperimentDefinition experiment) =>
            _currentIds.TryGetValue(experiment.Name, out var known) ? known : _currentIds[experiment.Name] = CurrentTrials.Ids(experiment, options.Budget);

        /// <summary>For each trial of the experiment that can pack, the ids of the trials it can pack with (itself included).</summary>
        private IReadOnlyDictionary<string, IReadOnlyList<string>> PackGroups(IExperimentDefinition experiment)
        {
            if (_packGroups.TryGetValue(experiment.Name, out var known)) return known;
            return _packGroups[experiment.Name] = PackPlan.Groups(experiment, options.Budget, store);
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
            var counts = new StatusCounts();
            var running = new List<RunningTrialView>();
            var mine = _active.SelectMany(a => a.Claims).Select(c => c.Lease).ToHashSet();
            foreach (var e in experiments)
            {
                foreach (var t in CurrentTrials.Of(store.Trials(e.Name), options.Budget, CurrentIds(e))) counts.Add(t.Status);
                running.AddRange(store.Running(e.Name, options.Budget).Select(r =>
                    new RunningTrialView(Label(e.Name, r.TrialId), r.Step, r.TotalSteps, r.Loss, TimeSpan.FromSeconds(Math.Max(0, r.RunningSeconds)), mine.Contains(r.Lease))));
            }
            TimeSpan? eta = null;
            if (_finishedHere > 0)
            {
                var perTrial = _clock.Elapsed.TotalSeconds * Math.Min(options.Parallel, Math.Max(1, _finishedHere)) / _finishedHere;
                eta = TimeSpan.FromSeconds(perTrial * (counts.Left + running.Count * 0.5) / options.Parallel);
            }
            return _snapshot = new SweepProgress(total, counts.Done, counts.Diverged, counts.Failed, running, counts.Left, _clock.Elapsed, eta);
        }

        private string Label(string experiment, string trialId)
        {
            if (_labels.TryGetValue(trialId, out var label)) return label;
            var record = store.Trial(trialId);
            label = record is null ? $"{experiment} {trialId}" : $"{experiment} {ExperimentRunner.Describe(record.Parameters, record.Seed)}";
            return _labels[trialId] = label;
        }
    }
}
