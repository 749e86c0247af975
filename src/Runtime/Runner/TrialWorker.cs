using System.Diagnostics;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Declarative.Runtime.Torch;
using Declarative.Runtime.Weights;

namespace Declarative.Runtime.Runner;

/// <summary>
/// The hidden <c>worker</c> command: runs one claimed trial in this process, or a pack of claimed trials
/// of one experiment as one stacked model, and commits each trial's rows and status under its own
/// claim's lease. The runner that started it records what this process cannot (a native abort, a kill, a
/// hang). Exit codes: 0 stored (done or diverged), 3 the trial threw (stored as failed), 4 the trial or its
/// claim is gone, 5 the data set is missing (trials re-queued), 6 the store cannot be written (full disk, damaged, no
/// permission: trials re-queued where the store still takes it).
/// </summary>
internal static class TrialWorker
{
    public const int Stored = 0, TrialFailed = 3, NoSuchClaim = 4, DataMissing = 5, StoreUnusable = 6;

    public sealed record Options(string StorePath, IReadOnlyList<string> TrialIds, IReadOnlyList<string> Leases, string? DataFolder, string Device, int Threads, string? WeightsRoot, TimeSpan HeartbeatEvery);

    public static int Run(IReadOnlyList<IExperimentDefinition> catalog, Options options)
    {
        WatchParent();
        if (options.TrialIds.Count != options.Leases.Count || options.TrialIds.Count == 0)
        {
            Console.Error.WriteLine($"error: {options.TrialIds.Count} --trial for {options.Leases.Count} --lease: give them in pairs.");
            return NoSuchClaim;
        }
        using var store = StoreFactory.Open(options.StorePath);
        var records = new List<TrialRecord>();
        foreach (var id in options.TrialIds)
        {
            if (store.Trial(id) is not { } record)
            {
                Console.Error.WriteLine($"error: no trial '{id}' in '{options.StorePath}'.");
                return NoSuchClaim;
            }
            records.Add(record);
        }
        var claims = records.Select((r, i) => new TrialClaim(r.Id, r.Experiment, r.Budget, options.Leases[i], r.Attempts)).ToArray();
        var experiment = catalog.FirstOrDefault(e => e.Name == records[0].Experiment);
        Budget.TryParse(records[0].Budget, out var budget);
        var known = experiment is null || budget is null ? [] : experiment.Trials(budget).ToDictionary(t => t.Id);
        var trials = records.Select(r => r.Experiment == records[0].Experiment && r.Budget == records[0].Budget && known.TryGetValue(r.Id, out var t) ? t : null).ToArray();
        var clock = Stopwatch.StartNew();
        if (experiment is null || trials.Any(t => t is null))
        {
            for (var i = 0; i < claims.Length; i++)
                store.Fail(claims[i], $"the catalogue of this build has no trial '{records[i].Id}' of experiment '{records[i].Experiment}' at budget '{records[i].Budget}'", 0);
            return NoSuchClaim;
        }

        // Heartbeats go through their own connection: the trials' thread never waits for them.
        var progress = claims.Select(_ => new Progress()).ToArray();
        var lossColumn = FirstLossColumn(experiment.Schema);
        using var beats = StoreFactory.Open(options.StorePath);
        if (!claims.All(c => beats.Heartbeat(c, 0, 0, null)))
        {
            Console.Error.WriteLine($"error: the claim on trial(s) {string.Join(", ", claims.Select(c => c.TrialId))} is no longer held (another runner took it over).");
            return NoSuchClaim;
        }
        using var stop = new CancellationTokenSource();
        var heartbeat = new Thread(() =>
        {
            while (!stop.Token.WaitHandle.WaitOne(options.HeartbeatEvery))
            {
                var held = 0;
                for (var i = 0; i < claims.Length; i++)
                {
                    try
                    {
                        if (beats.Heartbeat(claims[i], Interlocked.Read(ref progress[i].Step), Interlocked.Read(ref progress[i].Total), Volatile.Read(ref progress[i].Loss) is var l && double.IsNaN(l) ? null : l)) held++;
                        else Console.Error.WriteLine($"warning: the claim on trial '{claims[i].TrialId}' was lost; its results will not be written.");
                    }
                    catch (Exception e) { Console.Error.WriteLine("warning: heartbeat failed: " + e.Message); held++; }
                }
                if (held == 0)
                {
                    Console.Error.WriteLine("error: every claim of this worker was lost; stopping without writing.");
                    Process.GetCurrentProcess().Kill();
                }
            }
        }) { IsBackground = true, Name = "heartbeat" };
        heartbeat.Start();

        try
        {
            TorchEnvironment.EnsureLoaded();
            TorchEnvironment.SetThreads(options.Threads);
            var device = TorchEnvironment.ResolveDevice(options.Device);
            using var data = new DataCatalog(options.DataFolder);
            var sinks = new BufferedMetricSink[claims.Length];
            var contexts = new TrialContext[claims.Length];
            for (var i = 0; i < claims.Length; i++)
            {
                var p = progress[i];
                sinks[i] = new BufferedMetricSink(row =>
                {
                    if (lossColumn >= 0 && row.GetValue(lossColumn) is { } l) Volatile.Write(ref p.Loss, l);
                });
                contexts[i] = new TrialContext(device, data, sinks[i])
                {
                    OnStep = (s, t) => { Interlocked.Exchange(ref p.Step, s); Interlocked.Exchange(ref p.Total, t); },
                    Weights = options.WeightsRoot is null ? null : TrialWeights.For(options.WeightsRoot, experiment.Name, trials[i]!),
                };
            }
            var outcomes = experiment.Run(trials!, contexts).ToArray();
            stop.Cancel();
            heartbeat.Join();
            var threads = TorchSharp.torch.get_num_threads();
            for (var i = 0; i < claims.Length; i++)
                outcomes[i] = outcomes[i] with
                {
                    Provenance = Provenance.Current(device.ToString(), threads, claims.Length > 1 ? claims.Where((_, j) => j != i).Select(c => c.TrialId).ToArray() : []).ToJson(),
                };
            var stored = 0;
            for (var i = 0; i < claims.Length; i++)
            {
                if (!store.Complete(experiment.Name, experiment.Schema, claims[i], outcomes[i], outcomes[i].Kept(sinks[i].Rows), clock.Elapsed.TotalSeconds))
                {
                    Console.Error.WriteLine($"error: the claim on trial '{claims[i].TrialId}' was lost before its results were stored; they were discarded.");
                    continue;
                }
                stored++;
                Console.Out.WriteLine($"{claims[i].TrialId} {outcomes[i].Status.ToString().ToLowerInvariant()} {outcomes[i].Steps} {outcomes[i].Message}");
            }
            return stored > 0 ? Stored : NoSuchClaim;
        }
        catch (DataSetException e)
        {
            stop.Cancel();
            foreach (var c in claims) store.Release(c.TrialId, c.Lease, "data set missing: " + e.Message);
            Console.Error.WriteLine("error: " + e.Message);
            return DataMissing;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (SqliteFailure.MeansStoreUnusable(e))
        {
            // The store, not the trial, failed: say so once and let the runner stop the sweep instead of failing every trial.
            stop.Cancel();
            foreach (var c in claims)
            {
                try { store.Release(c.TrialId, c.Lease, "the store failed: " + e.Message); }
                catch (Microsoft.Data.Sqlite.SqliteException) { } // its lease expires instead
            }
            Console.Error.WriteLine("error: " + SqliteFailure.Describe(e, options.StorePath));
            return StoreUnusable;
        }
        catch (Exception e)
        {
            stop.Cancel();
            var message = e.GetBaseException().Message;
            var packed = claims.Length > 1 ? $" (packed with {claims.Length - 1} other trial(s); `--retry-failed --no-pack` runs it alone)" : "";
            foreach (var c in claims) store.Fail(c, $"{e.GetBaseException().GetType().Name}: {message}{packed}", clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine(e.ToString());
            return TrialFailed;
        }
    }

    /// <summary>One trial's progress, written by the training thread and read by the heartbeat thread.</summary>
    private sealed class Progress
    {
        public long Step;
        public long Total;
        public double Loss = double.NaN;
    }

    /// <summary>The runner holds this process's stdin open; end of input means the runner died, and an orphan must not go on.</summary>
    private static void WatchParent()
    {
        if (!Console.IsInputRedirected) return;
        new Thread(() =>
        {
            try
            {
                while (Console.In.Read() >= 0) { }
            }
            catch (IOException) { }
            Process.GetCurrentProcess().Kill();
        }) { IsBackground = true, Name = "parent-watch" }.Start();
    }

    private static int FirstLossColumn(MetricSchema schema)
    {
        for (var i = 0; i < schema.Columns.Count; i++)
            if (!schema.Columns[i].IsVector && schema.Columns[i].Name.Contains("Loss", StringComparison.Ordinal)) return i;
        return -1;
    }
}
