using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// Training-speed benchmark: the generated loop's runtime path, a hand-written TorchSharp loop and PyTorch
/// on Fashion-MNIST, side by side in one invocation, each engine in its own process.
/// <code>
/// dotnet run -c Release --project benchmarks/Declarative.Benchmarks.Training -- [options]
///   --batches 32,128,1024   batch sizes of the epoch-time table
///   --repeats 3             processes per engine and batch size (interleaved); medians over them
///   --epochs 3              epochs per process; the first is a warm-up and is not counted
///   --threads 2             intra-op threads of every engine
///   --seeds 8               trials of the packing comparison (batch 32, one epoch each)
///   --data DIR              Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist)
///   --python PATH           the Python with torch (default /usr/bin/python3)
///   --out FILE              the report (default docs/benchmarks/training.md); - for none
///   --from-log FILE         render the report from the stderr log of an earlier run instead of measuring
/// dotnet run ... -- engine --engine generated|generated-bn|paired|paired-bn|paired-packed|before|handwritten|gemm|packed-gemm|unpacked|packed|runner-unpacked|runner-packed|profile|step-profile|startup --batch 32 [--epochs 3] [--seeds 8]
///   one engine in this process, JSON lines on stdout (what the comparison runs)
/// </code>
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        // The runner engines start this executable as their workers.
        if (args.Length > 0 && args[0] == "worker") return Runtime.Runner.Cli.Main(args, Generated.ExperimentCatalog.All);
        var options = Options.Parse(args);
        if (options.Help)
        {
            Console.WriteLine("usage: Declarative.Benchmarks.Training [--batches 32,128,1024] [--repeats 3] [--epochs 3] [--threads 2] [--seeds 8] [--data DIR] [--python /usr/bin/python3] [--out docs/benchmarks/training.md]");
            Console.WriteLine("       Declarative.Benchmarks.Training engine --engine generated|generated-bn|paired|paired-bn|paired-packed|before|handwritten|gemm|packed-gemm|unpacked|packed|runner-unpacked|runner-packed|profile|step-profile|startup --batch B [--epochs E] [--seeds S]");
            return 0;
        }
        try
        {
            return options.Command == "engine"
                ? Engines.Run(options.Engine, options.Batch, options.Epochs, options.Threads, options.Seeds, options.Data)
                : Compare(options, args);
        }
        catch (Runtime.Data.DataSetException e)
        {
            // A missing or unreadable data set is the user's to fix: its message names the folder and how to install it.
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>Rounds of each paired step/floor process (the first is not counted).</summary>
    private const int PairedRounds = 9;

    private static int Compare(Options o, string[] args)
    {
        if (o.FromLog is { } log) return Render(o, args, log);
        if (!PythonHasTorch(o.Python))
        {
            Console.Error.WriteLine($"--python {o.Python}: it cannot import torch, which the PyTorch side of the comparison needs. Install Debian's python3-torch (apt-get install python3-torch), or pass --python with a Python that has torch.");
            return 2;
        }
        var loadBefore = File.ReadAllText("/proc/loadavg").Trim();
        Console.Error.WriteLine($"load before: {loadBefore}");
        Console.Error.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        var results = new List<JsonElement>();
        var script = FindUp("benchmarks/pytorch/mlp_epoch.py");
        for (var r = 0; r < o.Repeats; r++)
        {
            foreach (var batch in o.Batches)
            {
                foreach (var engine in new[] { "generated", "before", "handwritten", "pytorch", "gemm" })
                {
                    var lines = engine == "pytorch"
                        ? RunProcess(o.Python, [script, "--batch", I(batch), "--threads", I(o.Threads), "--epochs", I(o.Epochs), "--data", o.Data])
                        : RunSelf(["engine", "--engine", engine, "--batch", I(batch), "--threads", I(o.Threads), "--epochs", I(o.Epochs), "--data", o.Data]);
                    results.AddRange(lines);
                }
            }
            // Issue 16's batch-norm target: the MLP with batch norm and momentum 0.9 at batch 128, beside the floor at 128 above.
            results.AddRange(RunSelf(["engine", "--engine", "generated-bn", "--batch", "128", "--threads", I(o.Threads), "--epochs", I(o.Epochs), "--data", o.Data]));
            foreach (var engine in new[] { "unpacked", "packed", "runner-unpacked", "runner-packed" })
                results.AddRange(RunSelf(["engine", "--engine", engine, "--batch", "32", "--threads", I(o.Threads), "--seeds", I(o.Seeds), "--data", o.Data]));
            results.AddRange(RunSelf(["engine", "--engine", "packed-gemm", "--batch", "32", "--threads", I(o.Threads), "--seeds", I(o.Seeds), "--epochs", I(o.Epochs), "--data", o.Data]));
        }
        // Issue 16's step/floor targets, paired in one process (each round an epoch of the trial in blocks of 32 steps, each block
        // followed by as many steps of the floor's products; 9 rounds, the first not counted): the engines above run minutes
        // apart, and this machine's speed drifts by more than the distance between these ratios and their targets.
        foreach (var batch in o.Batches)
            results.AddRange(RunSelf(["engine", "--engine", "paired", "--batch", I(batch), "--threads", I(o.Threads), "--epochs", I(PairedRounds), "--data", o.Data]));
        results.AddRange(RunSelf(["engine", "--engine", "paired-bn", "--batch", "128", "--threads", I(o.Threads), "--epochs", I(PairedRounds), "--data", o.Data]));
        results.AddRange(RunSelf(["engine", "--engine", "paired-packed", "--batch", "32", "--threads", I(o.Threads), "--seeds", I(o.Seeds), "--epochs", I(PairedRounds), "--data", o.Data]));
        var profile = new List<JsonElement>();
        foreach (var batch in o.Batches)
            profile.AddRange(RunSelf(["engine", "--engine", "step-profile", "--batch", I(batch), "--threads", I(o.Threads), "--data", o.Data]));
        var loadAfter = File.ReadAllText("/proc/loadavg").Trim();
        Console.Error.WriteLine($"load after: {loadAfter}");

        var command = "dotnet run -c Release --project benchmarks/Declarative.Benchmarks.Training --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
        if (o.Out != "-") Report.KeepNotesFrom(o.Out);
        var markdown = Report.Markdown(o, results, profile, command, loadBefore, loadAfter);
        Console.WriteLine(markdown);
        if (o.Out != "-")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(o.Out))!);
            File.WriteAllText(o.Out, markdown);
            Console.Error.WriteLine($"wrote {o.Out}");
            WriteSummary(o, Report.Summary(o, results, command, loadBefore, loadAfter));
        }
        return 0;
    }

    /// <summary>Replaces the training-speed table of docs/benchmarks.md (between its markers) with this run's.</summary>
    private static void WriteSummary(Options o, string summary)
    {
        var index = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(o.Out)))!, "benchmarks.md");
        if (!File.Exists(index)) return;
        var text = File.ReadAllText(index);
        var begin = text.IndexOf(Report.SummaryBegin, StringComparison.Ordinal);
        var end = text.IndexOf(Report.SummaryEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            Console.Error.WriteLine($"warning: {index} has no {Report.SummaryBegin} … {Report.SummaryEnd} markers; its table was not updated.");
            return;
        }
        File.WriteAllText(index, text[..(begin + Report.SummaryBegin.Length)] + "\n" + summary + text[end..]);
        Console.Error.WriteLine($"wrote the summary table into {index}");
    }

    /// <summary>Renders the report from the stderr log of an earlier (possibly interrupted) comparison: its JSON lines and its load lines.</summary>
    private static int Render(Options o, string[] args, string log)
    {
        var lines = File.ReadAllLines(log);
        var results = lines.Select(l => l.Trim()).Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        var profile = results.Where(r => r.GetProperty("engine").GetString() == "step-profile").ToList();
        results = results.Where(r => r.GetProperty("engine").GetString() != "step-profile").ToList();
        var loadBefore = lines.FirstOrDefault(l => l.StartsWith("load before: "))?["load before: ".Length..] ?? "n/a";
        var loadAfter = lines.LastOrDefault(l => l.StartsWith("load after: "))?["load after: ".Length..] ?? lines.LastOrDefault(l => l.Contains("load average"))?.Trim() ?? "n/a";
        var command = "dotnet run -c Release --project benchmarks/Declarative.Benchmarks.Training --" + (args.Length == 0 ? "" : " " + string.Join(' ', args));
        if (o.Out != "-") Report.KeepNotesFrom(o.Out);
        var markdown = Report.Markdown(o, results, profile, command, loadBefore, loadAfter);
        Console.WriteLine(markdown);
        if (o.Out != "-")
        {
            File.WriteAllText(o.Out, markdown);
            WriteSummary(o, Report.Summary(o, results, command, loadBefore, loadAfter));
        }
        return 0;
    }

    private static string I(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static IEnumerable<JsonElement> RunSelf(string[] args)
    {
        var self = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(self) == "dotnet"
            ? RunProcess(self, [typeof(Program).Assembly.Location, .. args])
            : RunProcess(self, args);
    }

    /// <summary>Whether <paramref name="python"/> runs and imports torch (checked before an hour of measuring, not after).</summary>
    private static bool PythonHasTorch(string python)
    {
        try
        {
            var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import torch");
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no such executable
        }
    }

    private static List<JsonElement> RunProcess(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        Console.Error.WriteLine($"$ {file} {string.Join(' ', args)}");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var lines = new List<JsonElement>();
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (!line.StartsWith('{')) continue;
            Console.Error.WriteLine("  " + line);
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {stderr.Result}");
        return lines;
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, relative))) return Path.Combine(dir.FullName, relative);
        throw new FileNotFoundException($"{relative} not found above the current folder: run from the repository.");
    }
}

internal sealed record Options
{
    public string Command { get; init; } = "compare";
    public string Engine { get; init; } = "generated";
    public int Batch { get; init; } = 128;
    public int[] Batches { get; init; } = [32, 128, 1024];
    public int Repeats { get; init; } = 3;
    public int Epochs { get; init; } = 3;
    public int Threads { get; init; } = 2;
    public int Seeds { get; init; } = 8;
    public string Data { get; init; } = Environment.GetEnvironmentVariable("DECLARATIVE_FASHION_MNIST") is { Length: > 0 } d ? d : "/usr/share/datasets/fashion-mnist";
    public string Python { get; init; } = "/usr/bin/python3";
    public string Out { get; init; } = "docs/benchmarks/training.md";
    public bool Help { get; init; }
    public string? FromLog { get; init; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        var i = 0;
        if (args.Length > 0 && args[0] == "engine") { o = o with { Command = "engine" }; i = 1; }
        for (; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            static int N(string s) => int.Parse(s, CultureInfo.InvariantCulture);
            o = args[i] switch
            {
                "--engine" => o with { Engine = Next() },
                "--batch" => o with { Batch = N(Next()) },
                "--batches" => o with { Batches = Next().Split(',').Select(N).ToArray() },
                "--repeats" => o with { Repeats = N(Next()) },
                "--epochs" => o with { Epochs = N(Next()) },
                "--threads" => o with { Threads = N(Next()) },
                "--seeds" => o with { Seeds = N(Next()) },
                "--data" => o with { Data = Next() },
                "--python" => o with { Python = Next() },
                "--out" => o with { Out = Next() },
                "--from-log" => o with { FromLog = Next() },
                "-h" or "--help" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown option '{args[i]}' (see --help)."),
            };
        }
        return o;
    }
}
