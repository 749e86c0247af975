using System.CommandLine;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Runner;

/// <summary>
/// The command line of an experiments assembly: <c>run</c>, <c>report</c> and <c>list</c>. The
/// generated catalogue is passed in, so finding experiments needs no reflection.
/// </summary>
public static class Cli
{
    /// <summary>
    /// One worker per core (at most 16), each with one intra-op thread (<see cref="RunOptions.ThreadsPerWorker"/>): sweeps of
    /// small models gain more from running trials side by side than from more threads per trial, and each worker holds its
    /// own copy of the data set and TorchSharp (about 0.6 GB), which bounds how many are sensible.
    /// </summary>
    public static int DefaultParallel => Math.Clamp(Environment.ProcessorCount, 1, 16);

    public static int Main(string[] args, IReadOnlyList<IExperimentDefinition> catalog)
    {
        var filter = new Option<string[]>("--filter") { Description = "Experiment names to run (default: all). Separate with commas or repeat the option.", AllowMultipleArgumentsPerToken = true };
        var budget = new Option<string>("--budget") { Description = "smoke (default: a quick check of the machinery) or full (answers the question).", DefaultValueFactory = _ => "smoke" };
        var storeOption = new Option<string>("--store") { Description = $"Where the results live: a SQLite file, or PostgreSQL as postgres://user@host:port/db or Host=...;Database=... (default: ${StoreFactory.EnvironmentVariable}, else artifacts/results.db).", DefaultValueFactory = _ => StoreFactory.DefaultLocation };
        var output = new Option<string>("--reports") { Description = "Folder for the markdown reports.", DefaultValueFactory = _ => Path.Combine("artifacts", "reports") };
        var dataFolder = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default: ${FashionMnist.EnvironmentVariable}, else {FashionMnist.DefaultFolder})." };
        var device = new Option<string>("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "TorchSharp intra-op threads per worker (default 1, whatever --parallel: a trial's numbers depend on its thread count, so keep one value for a whole study).", DefaultValueFactory = _ => 0 };
        var retry = new Option<bool>("--retry-failed") { Description = "Run failed trials again (they are otherwise kept as failed)." };
        var parallel = new Option<int>("--parallel") { Description = "Worker processes at once (default: the cores, at most 16; with Slurm, per array task, default its --cpus-per-task).", DefaultValueFactory = _ => DefaultParallel };
        var trialTimeout = new Option<double>("--trial-timeout") { Description = "Seconds a trial may run before its worker is killed and the trial failed (default: no limit); a pack of K trials may run K times as long.", DefaultValueFactory = _ => 0 };
        var staleAfter = new Option<double>("--stale-after") { Description = "Seconds without a heartbeat after which another runner's running trial is presumed abandoned and run again.", DefaultValueFactory = _ => 30 };
        var keepWeights = new Option<bool>("--keep-weights") { Description = "Keep each trial's initial and final weights (.npy per tensor + manifest.json) under --weights." };
        var weightsFolder = new Option<string>("--weights") { Description = "Folder for kept weights.", DefaultValueFactory = _ => Path.Combine("artifacts", "weights") };
        var noPack = new Option<bool>("--no-pack") { Description = "Train every trial alone (by default trials that differ only in seed or SGD hyper-parameters train together as one stacked model)." };
        var progress = new Option<string>("--progress") { Description = "auto (live view on a terminal, lines otherwise), live or plain.", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong("auto", "live", "plain");
        var executor = new Option<string>("--executor") { Description = "local (worker processes here, default) or slurm (one job array whose tasks claim trials from the store).", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var arrayTasks = new Option<int>("--array-tasks") { Description = "Slurm: tasks in the job array (sbatch --array=0-(N-1)).", DefaultValueFactory = _ => 4 };
        var partition = new Option<string?>("--partition") { Description = "Slurm: partition (default: the cluster's default)." };
        var timeLimit = new Option<string?>("--time-limit") { Description = "Slurm: time limit per array task, e.g. 02:00:00 (default: the partition's)." };
        var cpusPerTask = new Option<int>("--cpus-per-task") { Description = "Slurm: CPUs per array task; its workers share them as TorchSharp threads.", DefaultValueFactory = _ => 1 };
        var sbatchArgs = new Option<string?>("--sbatch-args") { Description = "Slurm: more sbatch options, e.g. \"--account=lab --gres=gpu:1\"." };
        var slurmLogs = new Option<string>("--slurm-logs") { Description = "Slurm: folder for the batch script and the tasks' output (on a file system the nodes can write).", DefaultValueFactory = _ => Path.Combine("artifacts", "slurm") };
        Require(arrayTasks, v => v >= 1, "a whole number of at least 1");
        Require(cpusPerTask, v => v >= 1, "a whole number of at least 1");
        Require(parallel, v => v >= 1, "a whole number of at least 1");
        Require(threads, v => v >= 0, "a positive whole number (0 or none: one thread per worker)");
        Require(trialTimeout, v => v >= 0 && double.IsFinite(v), "0 (no limit) or a positive number of seconds");
        Require(staleAfter, v => v > 0 && double.IsFinite(v), "a positive number of seconds");
        device.Validators.Add(result =>
        {
            var value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "auto";
            if (!IsDevice(value))
                result.AddError($"--device '{value}' is not a device; use one of: auto, cpu, cuda, cuda:<index>.");
        });
        filter.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && SplitFilter(result.Tokens.Select(t => t.Value).ToArray()).Count == 0)
                result.AddError("--filter names no experiment; give one or more experiment names separated by commas (run `list` to see them), or leave --filter out to run all.");
        });

        budget.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Budget.TryParse(value, out _))
                result.AddError($"--budget '{value}' is not a budget; use one of: {string.Join(", ", Budget.All.Select(b => b.Name))}.");
        });

        var run = new Command("run", "Run the trials not yet finished, store them, and render the reports.")
        {
            filter, budget, storeOption, output, dataFolder, device, threads, retry, parallel, trialTimeout, staleAfter, keepWeights, weightsFolder, noPack, progress,
            executor, arrayTasks, partition, timeLimit, cpusPerTask, sbatchArgs, slurmLogs,
        };
        run.SetAction(parse => Guard(() =>
        {
            Budget.TryParse(parse.GetValue(budget), out var b);
            var options = new RunOptions(SplitFilter(parse.GetValue(filter)), b, parse.GetValue(storeOption)!, parse.GetValue(output)!,
                parse.GetValue(dataFolder), parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(retry))
            {
                Parallel = parse.GetValue(parallel),
                TrialTimeout = parse.GetValue(trialTimeout) is > 0 and var t ? TimeSpan.FromSeconds(t) : null,
                StaleAfter = TimeSpan.FromSeconds(parse.GetValue(staleAfter)),
                WeightsFolder = parse.GetValue(keepWeights) ? parse.GetValue(weightsFolder) : null,
                Pack = !parse.GetValue(noPack),
                Live = parse.GetValue(progress) switch { "live" => true, "plain" => false, _ => null },
                Slurm = parse.GetValue(executor) != "slurm" ? null : new SlurmOptions(parse.GetValue(arrayTasks), parse.GetValue(cpusPerTask))
                {
                    Partition = parse.GetValue(partition),
                    TimeLimit = parse.GetValue(timeLimit),
                    ExtraArguments = parse.GetValue(sbatchArgs),
                    LogFolder = parse.GetValue(slurmLogs)!,
                    WorkersPerTask = parse.GetResult(parallel) is { Implicit: false } ? parse.GetValue(parallel) : parse.GetValue(cpusPerTask), // a task has --cpus-per-task cores: a one-thread worker on each unless asked
                },
            };
            return new ExperimentRunner(Console.Out).Run(catalog, options);
        }));

        var report = new Command("report", "Render the reports from the store without running anything.")
        {
            filter, budget, storeOption, output,
        };
        report.SetAction(parse => Guard(() =>
        {
            Budget.TryParse(parse.GetValue(budget), out var b);
            var selected = ExperimentRunner.Select(catalog, SplitFilter(parse.GetValue(filter)));
            var path = parse.GetValue(storeOption)!;
            StoreFactory.EnsureExists(path, "run the experiments first (./build.sh RunExperiments) or name the store with --store.");
            using var store = StoreFactory.Open(path);
            foreach (var e in selected) TrialIdMigration.Apply(store, e, b);
            new ExperimentRunner(Console.Out).RenderReports(store, selected, b, parse.GetValue(output)!);
            return 0;
        }));

        var list = new Command("list", "List the experiments of the catalogue with their trial counts and how their trials pack.");
        var packing = new RunOptions([], Budget.Full, "", "", null, "auto", 0, RetryFailed: false) { Parallel = DefaultParallel };
        list.SetAction(_ =>
        {
            foreach (var e in catalog)
                Console.WriteLine($"{e.Name}: {Count(e, Budget.Smoke)}, {Count(e, Budget.Full)}. {e.Summary.Split('\n')[0]} Full budget: {PackPlan.Describe(e, Budget.Full, packing)}.");
            return 0;
        });

        var experimentName = new Option<string>("--experiment") { Description = "The experiment whose rows to export.", Required = true };
        var csvOutput = new Option<string>("--output") { Description = "The CSV file to write.", Required = true };
        var export = new Command("export", "Write one experiment's metric rows (with each trial's status and parameters) to a CSV file.")
        {
            experimentName, csvOutput, storeOption,
        };
        export.SetAction(parse => Guard(() =>
        {
            var experiment = ExperimentRunner.Select(catalog, [parse.GetValue(experimentName)!]).Single();
            var path = parse.GetValue(storeOption)!;
            StoreFactory.EnsureExists(path, "run the experiments first or name the store with --store.");
            var file = Path.GetFullPath(parse.GetValue(csvOutput)!);
            ExperimentRunner.EnsureWritable(Path.GetDirectoryName(file)!, "--output");
            using var store = StoreFactory.Open(path);
            var temporary = file + ".tmp";
            int rows;
            using (var writer = new StreamWriter(temporary, false, new System.Text.UTF8Encoding(false)))
                rows = CsvExport.Write(store, experiment, writer);
            File.Move(temporary, file, overwrite: true);
            Console.WriteLine($"{rows} row(s) of {experiment.Name} written to {file}.");
            return 0;
        }));

        // Hidden: the runner re-invokes this executable once per trial, or once per pack (--trial/--lease repeated, in pairs).
        var workerStore = new Option<string>("--store") { Required = true };
        var workerTrial = new Option<string[]>("--trial") { Required = true, Arity = ArgumentArity.OneOrMore };
        var workerLease = new Option<string[]>("--lease") { Required = true, Arity = ArgumentArity.OneOrMore };
        var workerData = new Option<string?>("--data");
        var workerDevice = new Option<string>("--device") { DefaultValueFactory = _ => "auto" };
        var workerThreads = new Option<int>("--threads") { DefaultValueFactory = _ => 0 };
        var workerWeights = new Option<string?>("--weights");
        var workerHeartbeat = new Option<int>("--heartbeat-ms") { DefaultValueFactory = _ => 1000 };
        var worker = new Command("worker", "Runs one claimed trial, or a pack of claimed trials (used by `run`).")
        {
            workerStore, workerTrial, workerLease, workerData, workerDevice, workerThreads, workerWeights, workerHeartbeat,
        };
        worker.Hidden = true;
        worker.SetAction(parse => Guard(() => TrialWorker.Run(catalog, new TrialWorker.Options(
            parse.GetValue(workerStore)!, parse.GetValue(workerTrial)!, parse.GetValue(workerLease)!, parse.GetValue(workerData),
            parse.GetValue(workerDevice)!, parse.GetValue(workerThreads), parse.GetValue(workerWeights),
            TimeSpan.FromMilliseconds(Math.Max(50, parse.GetValue(workerHeartbeat)))))));

        // Hidden: each Slurm array task runs this; it claims and runs trials until none is left.
        var drain = new Command("drain", "Claims and runs trials of the store until none is left (one Slurm array task; used by `run --executor slurm`).")
        {
            filter, budget, storeOption, dataFolder, device, threads, parallel, trialTimeout, staleAfter, keepWeights, weightsFolder, noPack,
        };
        drain.Hidden = true;
        drain.SetAction(parse => Guard(() =>
        {
            Budget.TryParse(parse.GetValue(budget), out var b);
            var options = new RunOptions(SplitFilter(parse.GetValue(filter)), b, parse.GetValue(storeOption)!, "", parse.GetValue(dataFolder),
                parse.GetValue(device)!, parse.GetValue(threads), RetryFailed: false)
            {
                Parallel = parse.GetValue(parallel),
                TrialTimeout = parse.GetValue(trialTimeout) is > 0 and var t ? TimeSpan.FromSeconds(t) : null,
                StaleAfter = TimeSpan.FromSeconds(parse.GetValue(staleAfter)),
                WeightsFolder = parse.GetValue(keepWeights) ? parse.GetValue(weightsFolder) : null,
                Pack = !parse.GetValue(noPack),
                PollEvery = TimeSpan.FromSeconds(1),
            };
            return new ExperimentRunner(Console.Out).Drain(catalog, options);
        }));

        var root = new RootCommand("Declarative experiments: run sweeps, store results, render reports.") { run, report, list, export, worker, drain };
        return root.Parse(args).Invoke();
    }

    /// <summary>
    /// Checks a numeric option: a value that is not a number, or is out of range, is an error naming
    /// the option, the value given and what it accepts (parsing errors would otherwise escape as an exception).
    /// </summary>
    /// <summary>"12 full trial(s)" for a fixed seed count; "12 to 48 full trial(s) (seeds 2 to 8 per point, adaptive)" for a seed range.</summary>
    private static string Count(IExperimentDefinition experiment, Budget budget)
    {
        var settings = experiment.SettingsFor(budget);
        var trials = experiment.Trials(budget);
        return settings.AdaptiveSeeds
            ? $"{PackPlan.FirstRound(experiment, budget).Count} to {trials.Count} {budget.Name} trial(s) (seeds {settings.MinSeeds} to {settings.Seeds} per point, adaptive)"
            : $"{trials.Count} {budget.Name} trial(s)";
    }

    private static void Require<T>(Option<T> option, Func<T, bool> valid, string accepted)
        where T : struct
    {
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 0) return; // the default
            var text = result.Tokens[^1].Value;
            T value;
            try
            {
                value = result.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                result.AddError($"{option.Name} '{text}' is not a number; use {accepted}.");
                return;
            }
            if (!valid(value)) result.AddError($"{option.Name} {text} is out of range; use {accepted}.");
        });
    }

    private static bool IsDevice(string value) =>
        value.Equals("auto", StringComparison.OrdinalIgnoreCase) || value.Equals("cpu", StringComparison.OrdinalIgnoreCase)
        || value.Equals("cuda", StringComparison.OrdinalIgnoreCase)
        || (value.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase) && int.TryParse(value.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _));

    private static IReadOnlyList<string> SplitFilter(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>Errors a user can cause end the process with one message and the code of their kind (<see cref="ExitCodes"/>), not a stack trace.</summary>
    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is DataSetException or StoreException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return ExitCodes.Input;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            Console.Error.WriteLine("error: " + SqliteFailure.Describe(e, null));
            return ExitCodes.Input;
        }
        catch (Npgsql.NpgsqlException e)
        {
            Console.Error.WriteLine($"error: the PostgreSQL store failed: {e.Message}. Check that the server runs and the --store connection is right; finished trials are kept and a rerun resumes.");
            return ExitCodes.Input;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"error: {e.Message}{(DiskFull(e) ? " The disk is full: free space (or choose another --store / --reports) and run again; finished trials are kept and a rerun resumes." : " Nothing finished was lost; a rerun resumes.")}");
            return ExitCodes.Input;
        }
    }

    private static bool DiskFull(IOException e) =>
        e.HResult == 28 || (e.HResult & 0xFFFF) == 0x70 || e.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);
}
