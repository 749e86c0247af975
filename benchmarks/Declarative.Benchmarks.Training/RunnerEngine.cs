using System.Diagnostics;
using System.Text.Json;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// Trials per hour as a user gets them: the runner (<c>run</c>, its defaults for workers and threads) on the
/// <see cref="EightSeeds"/> experiment in a fresh store, with packing (the default) or <c>--no-pack</c>. The
/// runner re-invokes this executable as its workers (<c>worker</c> is routed to the runner's command line).
/// </summary>
internal static class RunnerEngine
{
    public static void Run(bool pack, string data)
    {
        var folder = Directory.CreateTempSubdirectory("declarative-bench-runner-").FullName;
        try
        {
            string[] args = ["run", "--filter", "EightSeeds", "--store", Path.Combine(folder, "results.db"), "--reports", Path.Combine(folder, "reports"), "--progress", "plain", "--data", data];
            if (!pack) args = [.. args, "--no-pack"];
            var output = Console.Out;
            Console.SetOut(TextWriter.Null); // the runner's log would mix with the JSON lines
            var watch = Stopwatch.StartNew();
            int code;
            try { code = Runtime.Runner.Cli.Main(args, Generated.ExperimentCatalog.All); }
            finally { Console.SetOut(output); }
            var seconds = watch.Elapsed.TotalSeconds;
            if (code != 0) throw new InvalidOperationException($"the runner exited with {code}");
            var trials = EightSeeds.Trials(Runtime.Experiments.Budget.Smoke).Count;
            Console.WriteLine(JsonSerializer.Serialize(new { engine = pack ? "runner-packed" : "runner-unpacked", batch = 32, trials, seconds, trials_per_hour = trials * 3600 / seconds, parallel = Runtime.Runner.Cli.DefaultParallel }));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
