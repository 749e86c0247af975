using System.Diagnostics;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Declarative.Runtime.Torch;
using Declarative.Runtime.Weights;

namespace Declarative.Runtime.Runner;

/// <summary>
/// The hidden <c>worker</c> command: runs one claimed trial in this process and commits its rows
/// and status under the claim's lease. The runner that started it records what this process cannot
/// (a native abort, a kill, a hang). Exit codes: 0 stored (done or diverged), 3 the trial threw
/// (stored as failed), 4 the trial or its claim is gone, 5 the data set is missing (trial re-queued).
/// </summary>
internal static class TrialWorker
{
    public const int Stored = 0, TrialFailed = 3, NoSuchClaim = 4, DataMissing = 5;

    public sealed record Options(string StorePath, string TrialId, string Lease, string? DataFolder, string Device, int Threads, string? WeightsRoot, TimeSpan HeartbeatEvery);

    public static int Run(IReadOnlyList<IExperimentDefinition> catalog, Options options)
    {
        WatchParent();
        using var store = StoreFactory.Open(options.StorePath);
        var record = store.Trial(options.TrialId);
        if (record is null)
        {
            Console.Error.WriteLine($"error: no trial '{options.TrialId}' in '{options.StorePath}'.");
            return NoSuchClaim;
        }
        var experiment = catalog.FirstOrDefault(e => e.Name == record.Experiment);
        Budget.TryParse(record.Budget, out var budget);
        var trial = experiment is null || budget is null ? null : experiment.Trials(budget).FirstOrDefault(t => t.Id == record.Id);
        var claim = new TrialClaim(record.Id, record.Experiment, record.Budget, options.Lease, record.Attempts);
        var clock = Stopwatch.StartNew();
        if (experiment is null || trial is null)
        {
            store.Fail(claim, $"the catalogue of this build has no trial '{record.Id}' of experiment '{record.Experiment}' at budget '{record.Budget}'", 0);
            return NoSuchClaim;
        }

        // Heartbeats go through their own connection: the trial's thread never waits for them.
        long step = 0, total = 0;
        var loss = double.NaN;
        var lossColumn = FirstLossColumn(experiment.Schema);
        using var beats = StoreFactory.Open(options.StorePath);
        if (!beats.Heartbeat(claim, 0, 0, null))
        {
            Console.Error.WriteLine($"error: the claim on trial '{record.Id}' is no longer held (another runner took it over).");
            return NoSuchClaim;
        }
        using var stop = new CancellationTokenSource();
        var heartbeat = new Thread(() =>
        {
            while (!stop.Token.WaitHandle.WaitOne(options.HeartbeatEvery))
            {
                bool held;
                try { held = beats.Heartbeat(claim, Interlocked.Read(ref step), Interlocked.Read(ref total), Volatile.Read(ref loss) is var l && double.IsNaN(l) ? null : l); }
                catch (Exception e) { Console.Error.WriteLine("warning: heartbeat failed: " + e.Message); continue; }
                if (!held)
                {
                    Console.Error.WriteLine($"error: the claim on trial '{record.Id}' was lost; stopping without writing.");
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
            var sink = new BufferedMetricSink(row =>
            {
                if (lossColumn >= 0 && row.GetValue(lossColumn) is { } l) Volatile.Write(ref loss, l);
            });
            var context = new TrialContext(device, data, sink)
            {
                OnStep = (s, t) => { Interlocked.Exchange(ref step, s); Interlocked.Exchange(ref total, t); },
                Weights = options.WeightsRoot is null ? null : TrialWeights.For(options.WeightsRoot, experiment.Name, trial),
            };
            var outcome = experiment.Run(trial, context);
            stop.Cancel();
            heartbeat.Join();
            if (!store.Complete(experiment.Name, experiment.Schema, claim, outcome, sink.Rows, clock.Elapsed.TotalSeconds))
            {
                Console.Error.WriteLine($"error: the claim on trial '{record.Id}' was lost before its results were stored; they were discarded.");
                return NoSuchClaim;
            }
            Console.Out.WriteLine($"{outcome.Status.ToString().ToLowerInvariant()} {outcome.Steps} {outcome.Message}");
            return Stored;
        }
        catch (DataSetException e)
        {
            stop.Cancel();
            store.Release(claim.TrialId, claim.Lease, "data set missing: " + e.Message);
            Console.Error.WriteLine("error: " + e.Message);
            return DataMissing;
        }
        catch (Exception e)
        {
            stop.Cancel();
            var message = e.GetBaseException().Message;
            store.Fail(claim, $"{e.GetBaseException().GetType().Name}: {message}", clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine(e.ToString());
            return TrialFailed;
        }
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
