using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Runs a sweep as one Slurm job array. The runner has already added the trials to the store; this
/// writes a batch script whose every task runs the experiments executable's hidden <c>drain</c>
/// command (claim, run in a worker process, repeat until none is left: the local runner's loop),
/// submits it with <c>sbatch --array=0-(N-1)</c>, and follows the sweep from the store with the same
/// progress view as a local run until no trial is pending or running, or the job has ended.
/// Nothing here holds state the store does not: cancelling the job (<c>scancel</c>) and running the
/// command again submits a new array that takes over what was left (running trials of a cancelled
/// task once their heartbeat is stale).
/// </summary>
internal sealed class SlurmExecutor(TextWriter log) : IExecutor
{
    public int Run(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, RunOptions options, int total, IProgressView view)
    {
        var slurm = options.Slurm!;
        // The job array's tasks do the work (the hidden `drain` command, a LocalExecutor each); this process follows the store.
        log.WriteLine($"Executor: Slurm, {slurm.ArrayTasks} array task(s) of {slurm.CpusPerTask} CPU(s){(options.TrialTimeout is { } limit ? $", time limit {limit.TotalSeconds:F0} s per trial" : "")}. Store: {StoreFactory.Describe(options.StorePath)}");
        log.Flush();
        var unfinished = Count(store, experiments, options.Budget).Unfinished;
        if (unfinished == 0)
        {
            log.WriteLine("Nothing to run: every trial is finished. No job submitted.");
            return ExitCodes.Success;
        }

        var script = WriteScript(experiments, options);
        var jobId = Submit(slurm, script);
        log.WriteLine($"Submitted Slurm job array {jobId} ({Math.Min(slurm.ArrayTasks, unfinished)} task(s)); script {script}, task output {Path.GetFullPath(slurm.LogFolder)}/{jobId}_<task>.out. Cancel with: scancel {jobId}");
        log.Flush();

        var follower = new Follower(store, experiments, options, total, () => JobAlive(slurm, jobId));
        view.Run(follower.Loop);
        if (follower.Left > 0)
        {
            log.WriteLine($"Slurm job {jobId} ended with {follower.Left} trial(s) unfinished (cancelled, or its tasks hit their time limit). Run the same command again to submit another array; finished trials are kept.");
            return ExitCodes.TrialsFailed;
        }
        return follower.FailedHere == 0 ? ExitCodes.Success : ExitCodes.TrialsFailed;
    }

    private static (int Unfinished, int Running) Count(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, Budget budget)
    {
        int unfinished = 0, running = 0;
        foreach (var e in experiments)
            foreach (var t in CurrentTrials.Of(store, e, budget))
            {
                if (t.Status is TrialStatus.Pending or TrialStatus.Running) unfinished++;
                if (t.Status is TrialStatus.Running) running++;
            }
        return (unfinished, running);
    }

    /// <summary>The batch script: resource requests as #SBATCH lines, then the drain command with this run's options.</summary>
    internal static string WriteScript(IReadOnlyList<IExperimentDefinition> experiments, RunOptions options)
    {
        var slurm = options.Slurm!;
        var folder = Path.GetFullPath(slurm.LogFolder);
        ExperimentRunner.EnsureWritable(folder, "--slurm-logs");
        var command = new List<string>(Executable())
        {
            "drain", "--store", StoreFactory.Resolve(options.StorePath), "--budget", options.Budget.Name,
            "--filter", string.Join(",", experiments.Select(e => e.Name)),
            "--parallel", slurm.WorkersPerTask.ToString(CultureInfo.InvariantCulture),
            "--threads", options.ThreadsPerWorker.ToString(CultureInfo.InvariantCulture),
            "--device", options.Device,
            "--stale-after", options.StaleAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (options.TrialTimeout is { } limit) command.AddRange(["--trial-timeout", limit.TotalSeconds.ToString(CultureInfo.InvariantCulture)]);
        if (options.DataFolder is not null) command.AddRange(["--data", Path.GetFullPath(options.DataFolder)]);
        if (options.WeightsFolder is not null) command.AddRange(["--keep-weights", "--weights", Path.GetFullPath(options.WeightsFolder)]);
        if (!options.Pack) command.Add("--no-pack");

        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append("#SBATCH --job-name=declarative\n");
        text.Append($"#SBATCH --array=0-{slurm.ArrayTasks - 1}\n");
        text.Append($"#SBATCH --cpus-per-task={slurm.CpusPerTask}\n");
        text.Append("#SBATCH --ntasks=1\n");
        text.Append($"#SBATCH --output={folder}/%A_%a.out\n");
        if (slurm.Partition is { Length: > 0 } partition) text.Append($"#SBATCH --partition={partition}\n");
        if (slurm.TimeLimit is { Length: > 0 } time) text.Append($"#SBATCH --time={time}\n");
        text.Append("# Written by `run --executor slurm`: each array task claims trials from the store until none is left.\n");
        text.Append("cd ").Append(ShellQuote(Environment.CurrentDirectory)).Append('\n');
        text.Append("exec ").Append(string.Join(" ", command.Select(ShellQuote))).Append('\n');

        var path = Path.Combine(folder, $"declarative-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}.sbatch");
        // The store location may carry a password: the script is readable by its owner only.
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>How to start this same experiments executable on a node: the apphost, or <c>dotnet app.dll</c>.</summary>
    private static string[] Executable()
    {
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? [host, Assembly.GetEntryAssembly()!.Location]
            : [host];
    }

    private static string Submit(SlurmOptions slurm, string script)
    {
        var args = new List<string> { "--parsable" };
        args.AddRange(SplitArguments(slurm.ExtraArguments));
        args.Add(script);
        var (code, output, error) = Invoke(slurm.Sbatch, args, TimeSpan.FromMinutes(2));
        if (code != 0)
            throw new InvalidOperationException($"sbatch failed ({WorkerProcess.DescribeExit(code)}): {error.Trim()} {output.Trim()}. Check --partition, --time-limit and --sbatch-args; the trials stay pending in the store.");
        // --parsable prints "jobid" or "jobid;cluster".
        var id = output.Trim().Split('\n').Last().Split(';')[0].Trim();
        if (id.Length == 0 || !id.All(char.IsDigit))
            throw new InvalidOperationException($"sbatch printed no job id: '{output.Trim()}'.");
        return id;
    }

    /// <summary>True while any task of the array is pending or running (squeue lists it); a squeue error counts as alive, to be asked again.</summary>
    private static bool JobAlive(SlurmOptions slurm, string jobId)
    {
        var (code, output, error) = Invoke(slurm.Squeue, ["-h", "-j", jobId, "-o", "%T"], TimeSpan.FromSeconds(30));
        if (code != 0) return !error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(state => state is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "REQUEUED" or "RESIZING" or "SUSPENDED");
    }

    private static (int Code, string Output, string Error) Invoke(string file, IEnumerable<string> args, TimeSpan limit)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return (-1, "", $"{file} did not answer in {limit.TotalSeconds:F0} s");
            }
            return (process.ExitCode, output.Result, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Cannot run '{file}': {e.Message}. --executor slurm needs the Slurm client commands (sbatch, squeue) on PATH.", e);
        }
    }

    /// <summary>Splits --sbatch-args as a shell would for plain words and '…' or "…" quoting (no expansions).</summary>
    internal static IReadOnlyList<string> SplitArguments(string? text)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(text)) return result;
        var current = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '\'' or '"') { quote = c; inWord = true; }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord) result.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else { current.Append(c); inWord = true; }
        }
        if (quote != '\0') throw new ArgumentException($"--sbatch-args has an unclosed quote: {text}");
        if (inWord) result.Add(current.ToString());
        return result;
    }

    private static string ShellQuote(string value) =>
        value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "/._-=:,+@%".Contains(c)) ? value : "'" + value.Replace("'", "'\\''") + "'";

    /// <summary>Follows the sweep in the store: turns status changes into the views' start and end lines, and stops when nothing is left or the job is gone.</summary>
    private sealed class Follower(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, RunOptions options, int total, Func<bool> jobAlive)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Dictionary<string, (TrialStatus Status, int Attempts)> _seen = [];
        private readonly Dictionary<string, string> _labels = [];
        private readonly Dictionary<string, IReadOnlySet<string>> _currentIds = experiments.ToDictionary(e => e.Name, e => CurrentTrials.Ids(e, options.Budget));
        private int _finishedHere;

        public int FailedHere { get; private set; }
        public int Left { get; private set; }

        public void Loop(IProgressSink sink)
        {
            var first = true;
            var lastJobCheck = DateTime.MinValue;
            var alive = true;
            while (true)
            {
                var progress = Poll(sink, first);
                first = false;
                sink.Update(progress);
                Left = progress.Left + progress.Running.Count;
                if (Left == 0) break;
                if (DateTime.UtcNow - lastJobCheck > TimeSpan.FromSeconds(3))
                {
                    lastJobCheck = DateTime.UtcNow;
                    if (!alive) break; // one more poll of the store after the job ended: its last commits are seen
                    alive = jobAlive();
                }
                Thread.Sleep(500);
            }
        }

        private SweepProgress Poll(IProgressSink sink, bool first)
        {
            var counts = new StatusCounts();
            var running = new List<RunningTrialView>();
            foreach (var e in experiments)
            {
                foreach (var t in CurrentTrials.Of(store.Trials(e.Name), options.Budget, _currentIds[e.Name]))
                {
                    counts.Add(t.Status);
                    var had = _seen.TryGetValue(t.Id, out var before);
                    _seen[t.Id] = (t.Status, t.Attempts);
                    var label = _labels[t.Id] = $"{e.Name} {string.Join(" ", t.Parameters.Select(p => $"{p.Key}={p.Value}"))} seed={t.Seed}";
                    if (first) continue;
                    if (t.Status == TrialStatus.Running && (!had || before.Attempts != t.Attempts || before.Status != TrialStatus.Running))
                        sink.Started(label + (t.Host is null ? "" : $" on {t.Host}") + (t.Attempts > 1 ? $" (attempt {t.Attempts})" : ""));
                    if (t.Status is TrialStatus.Done or TrialStatus.Diverged or TrialStatus.Failed && (!had || before.Status != t.Status || before.Attempts != t.Attempts))
                    {
                        _finishedHere++;
                        if (t.Status == TrialStatus.Failed) FailedHere++;
                        sink.Finished(label, t.Status.ToString().ToLowerInvariant(),
                            t.Status == TrialStatus.Done ? $"{t.Steps} steps in {t.Seconds:F1} s" : $"{t.Error} ({t.Seconds:F1} s)");
                    }
                }
                running.AddRange(store.Running(e.Name, options.Budget).Select(r =>
                    new RunningTrialView(_labels.GetValueOrDefault(r.TrialId, $"{e.Name} {r.TrialId}"), r.Step, r.TotalSteps, r.Loss, TimeSpan.FromSeconds(Math.Max(0, r.RunningSeconds)), Mine: true)));
            }
            TimeSpan? eta = null;
            if (_finishedHere > 0 && running.Count > 0)
                eta = TimeSpan.FromSeconds(_clock.Elapsed.TotalSeconds / _finishedHere * (counts.Left + running.Count * 0.5));
            return new SweepProgress(total, counts.Done, counts.Diverged, counts.Failed, running, counts.Left, _clock.Elapsed, eta);
        }
    }
}
