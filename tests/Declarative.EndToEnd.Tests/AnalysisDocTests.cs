using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Declarative.EndToEnd.Tests;

/// <summary>docs/analysis.md's three lines load a real store's long-format view with Debian's python3-pandas.</summary>
public sealed partial class AnalysisDocTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public void The_documented_three_lines_load_every_scalar_metric_of_a_run_with_one_column_per_axis()
    {
        var environment = _box.Environment(trials: 3, steps: 4, stepMs: 1);
        var run = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady"));
        Assert.True(run.Exit == 0, run.Output);

        var code = FirstPythonBlock().Replace("artifacts/results.db", _box.Store);
        var script = code + "\nprint(len(rows), sorted(set(rows.metric)), sorted(set(rows['Index'])), rows.value.notna().all(), sorted(set(rows.experiment)))\n";
        var (exit, output) = Python(script);

        Assert.True(exit == 0, output);
        // 3 trials × 4 steps × 2 scalar metrics (BatchLoss, Step2), the axis as a column of its own.
        Assert.Equal("24 ['BatchLoss', 'Step2'] ['0', '1', '2'] True ['Steady']", output.Trim());
    }

    private static string FirstPythonBlock()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "docs", "analysis.md"))) folder = folder.Parent;
        Assert.NotNull(folder);
        var page = File.ReadAllText(Path.Combine(folder.FullName, "docs", "analysis.md"));
        var block = PythonBlock().Match(page);
        Assert.True(block.Success, "docs/analysis.md has no ```python block");
        var code = block.Groups[1].Value;
        Assert.Equal(3, code.Trim().Split('\n').Length); // "in three lines"
        return code;
    }

    private static (int Exit, string Output) Python(string script)
    {
        // Debian's python3, where python3-pandas installs (another python3 may come first on PATH).
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-");
        using var process = Process.Start(start)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "python3 did not finish in a minute");
        var text = output.Result;
        return (process.ExitCode, process.ExitCode == 0 ? text : text + error.Result + "\n(python3-pandas is installed by ./build.sh Test on Debian)");
    }

    [GeneratedRegex("```python\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex PythonBlock();
}
