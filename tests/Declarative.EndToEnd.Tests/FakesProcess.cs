using System.Diagnostics;
using System.Reflection;

namespace Declarative.EndToEnd.Tests;

/// <summary>Starts the fake experiments executable (Declarative.EndToEnd.Fakes) as a real process.</summary>
internal static class FakesProcess
{
    public static string Assembly { get; } = Path.GetFullPath(typeof(FakesProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FakesAssembly").Value!);

    public static Process Start(string workingFolder, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartWithPrefix(workingFolder, environment, ["dotnet", Assembly], args);

    /// <summary>Starts <paramref name="prefix"/> followed by <paramref name="args"/>: the fakes under another command (unshare, bash).</summary>
    public static Process StartWithPrefix(string workingFolder, IReadOnlyDictionary<string, string>? environment, string[] prefix, string[] args)
    {
        if (!File.Exists(Assembly)) throw new FileNotFoundException($"Build the fakes first: {Assembly}");
        var start = new ProcessStartInfo(prefix[0])
        {
            WorkingDirectory = workingFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in prefix.Skip(1).Concat(args)) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        var process = new Process { StartInfo = start };
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine("ERR " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Outputs.Add(process, output);
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, System.Text.StringBuilder> Outputs = new();

    public static string OutputOf(Process process)
    {
        Outputs.TryGetValue(process, out var output);
        lock (output!) return output.ToString();
    }

    public static (int Exit, string Output) Run(string workingFolder, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(workingFolder, environment, args);
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The runner did not finish in 2 minutes:\n" + OutputOf(process));
        }
        process.WaitForExit();
        return (process.ExitCode, OutputOf(process));
    }
}
