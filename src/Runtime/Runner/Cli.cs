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
    public static int Main(string[] args, IReadOnlyList<IExperimentDefinition> catalog)
    {
        var filter = new Option<string[]>("--filter") { Description = "Experiment names to run (default: all). Separate with commas or repeat the option.", AllowMultipleArgumentsPerToken = true };
        var budget = new Option<string>("--budget") { Description = "smoke (default: a quick check of the machinery) or full (answers the question).", DefaultValueFactory = _ => "smoke" };
        var storeOption = new Option<string>("--store") { Description = "SQLite file holding the results.", DefaultValueFactory = _ => Path.Combine("artifacts", "results.db") };
        var output = new Option<string>("--reports") { Description = "Folder for the markdown reports.", DefaultValueFactory = _ => Path.Combine("artifacts", "reports") };
        var dataFolder = new Option<string?>("--data") { Description = $"Fashion-MNIST folder (default: ${FashionMnist.EnvironmentVariable}, else {FashionMnist.DefaultFolder})." };
        var device = new Option<string>("--device") { Description = "auto (CUDA when present), cpu or cuda.", DefaultValueFactory = _ => "auto" };
        var threads = new Option<int>("--threads") { Description = "CPU threads for TorchSharp (default: all cores).", DefaultValueFactory = _ => 0 };
        var retry = new Option<bool>("--retry-failed") { Description = "Run failed trials again (they are otherwise kept as failed)." };

        budget.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!Budget.TryParse(value, out _))
                result.AddError($"--budget '{value}' is not a budget; use one of: {string.Join(", ", Budget.All.Select(b => b.Name))}.");
        });
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0) result.AddError("--threads must be 0 (all cores) or positive.");
        });

        var run = new Command("run", "Run the trials not yet finished, store them, and render the reports.")
        {
            filter, budget, storeOption, output, dataFolder, device, threads, retry,
        };
        run.SetAction(parse => Guard(() =>
        {
            Budget.TryParse(parse.GetValue(budget), out var b);
            var options = new RunOptions(SplitFilter(parse.GetValue(filter)), b, parse.GetValue(storeOption)!, parse.GetValue(output)!,
                parse.GetValue(dataFolder), parse.GetValue(device)!, parse.GetValue(threads), parse.GetValue(retry));
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
            if (!File.Exists(path)) throw new StoreException($"No store at '{path}': run the experiments first (./build.sh RunExperiments) or name the store with --store.");
            using var store = new SqliteResultStore(path);
            new ExperimentRunner(Console.Out).RenderReports(store, selected, b, parse.GetValue(output)!);
            return 0;
        }));

        var list = new Command("list", "List the experiments of the catalogue with their trial counts.");
        list.SetAction(_ =>
        {
            foreach (var e in catalog)
                Console.WriteLine($"{e.Name}: {e.Trials(Budget.Smoke).Count} smoke trial(s), {e.Trials(Budget.Full).Count} full trial(s). {e.Summary.Split('\n')[0]}");
            return 0;
        });

        var root = new RootCommand("Declarative experiments: run sweeps, store results, render reports.") { run, report, list };
        return root.Parse(args).Invoke();
    }

    private static IReadOnlyList<string> SplitFilter(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    /// <summary>Errors a user can cause end the process with a message and a non-zero code, not a stack trace.</summary>
    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is DataSetException or StoreException or ArgumentException or InvalidOperationException)
        {
            Console.Error.WriteLine("error: " + e.Message);
            return 2;
        }
    }
}
