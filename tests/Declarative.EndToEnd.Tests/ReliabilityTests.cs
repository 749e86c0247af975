using System.Diagnostics;

namespace Declarative.EndToEnd.Tests;

/// <summary>
/// Faults found by injection, as regression tests on real processes: runners that share a host name but not a
/// process-id namespace, signals to the runner and to the wrapper that started it.
/// </summary>
public sealed class ReliabilityTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public void Two_runners_in_separate_pid_namespaces_on_one_store_share_the_sweep_without_taking_each_others_trials()
    {
        // Before: both runners named themselves host/pid/start; each saw the other's pid missing in its own namespace,
        // called it dead and released its live claims every two seconds (117 attempts on one trial).
        var environment = _box.Environment(trials: 10, steps: 10, stepMs: 100);
        var args = _box.RunArgs("Steady", "--threads", "1", "--parallel", "1");

        using var outside = FakesProcess.Start(_box.Folder, environment, args);
        Thread.Sleep(1500); // the first has claimed and runs a trial when the second starts
        using var inside = FakesProcess.StartWithPrefix(_box.Folder, environment, ["unshare", "--pid", "--fork", "--mount-proc", "dotnet", FakesProcess.Assembly], args);
        Assert.True(outside.WaitForExit(TimeSpan.FromMinutes(2)) && inside.WaitForExit(TimeSpan.FromMinutes(2)), "the sweep did not finish in 2 minutes");
        outside.WaitForExit();
        inside.WaitForExit();

        Assert.True(outside.ExitCode == 0, FakesProcess.OutputOf(outside));
        Assert.True(inside.ExitCode == 0, FakesProcess.OutputOf(inside));
        Assert.All(_box.Query("SELECT status, attempts FROM trials"), r => Assert.Equal(new object[] { "done", 1L }, r));
        Assert.DoesNotContain("requeued", FakesProcess.OutputOf(outside) + FakesProcess.OutputOf(inside));
        Assert.Equal(2, _box.Query("SELECT DISTINCT runner FROM trials").Count);
        var starts = _box.LogLines().Where(l => l[0] == "start").Select(l => l[1]).ToArray();
        Assert.Equal(10, starts.Length);
        Assert.Equal(10, starts.Distinct().Count());
    }

    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGINT")]
    public void A_signal_stops_the_runner_and_its_workers_and_puts_their_trials_back(string signal)
    {
        var environment = _box.Environment(trials: 4, steps: 40, stepMs: 100);
        var args = _box.RunArgs("Steady", "--threads", "1", "--parallel", "2");

        using var runner = FakesProcess.Start(_box.Folder, environment, args);
        WaitUntil(() => _box.LogLines().Count(l => l[0] == "start") >= 2, "two trials to start");
        Signal(runner.Id, signal);
        Assert.True(runner.WaitForExit(TimeSpan.FromSeconds(30)), "the runner did not stop within 30 s of " + signal);
        runner.WaitForExit();

        Assert.Equal(130, runner.ExitCode);
        Assert.Contains("put back", FakesProcess.OutputOf(runner));
        Thread.Sleep(500);
        Assert.Empty(ProcessesOn(_box.Store));
        Assert.Empty(_box.Query("SELECT id FROM trials WHERE status = 'running'"));

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady", "--threads", "1", "--parallel", "2"));
        Assert.True(exit == 0, output);
        Assert.All(_box.Query("SELECT status FROM trials"), r => Assert.Equal("done", r[0]));
        Assert.All(_box.Query("SELECT count(*), count(DISTINCT step) FROM metrics_Steady GROUP BY trial_id"), r => Assert.Equal(new object[] { 40L, 40L }, r));
    }

    [Fact]
    public void A_wrapper_killed_outright_never_leaves_its_sweep_running()
    {
        // ./build.sh exports its pid as DECLARATIVE_WRAPPER_PID; SIGKILL cannot be forwarded, so the runner watches it.
        var environment = _box.Environment(trials: 4, steps: 40, stepMs: 100);
        var command = string.Join(" ", new[] { "dotnet", FakesProcess.Assembly }.Concat(_box.RunArgs("Steady", "--threads", "1", "--parallel", "2")).Select(Quote));
        using var wrapper = FakesProcess.StartWithPrefix(_box.Folder, environment, ["bash", "-c", $"export DECLARATIVE_WRAPPER_PID=$$; {command} & wait"], []);
        WaitUntil(() => _box.LogLines().Count(l => l[0] == "start") >= 2, "two trials to start");

        Signal(wrapper.Id, "SIGKILL");
        wrapper.WaitForExit();
        WaitUntil(() => ProcessesOn(_box.Store).Count == 0, "the runner and its workers to stop after the wrapper was killed");

        Assert.Empty(_box.Query("SELECT id FROM trials WHERE status = 'running'"));
        Assert.True(_box.Query("SELECT id FROM trials WHERE status = 'pending'").Count >= 2);
    }

    [Fact]
    public void A_wrapper_variable_naming_a_process_that_is_not_an_ancestor_is_ignored()
    {
        // The variable is inherited by everything ./build.sh starts (tests, nested tools); only the wrapper's own runner watches it.
        using var unrelated = Process.Start("sleep", "60");
        var environment = _box.Environment(trials: 3, steps: 20, stepMs: 50);
        environment["DECLARATIVE_WRAPPER_PID"] = unrelated.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        using var runner = FakesProcess.Start(_box.Folder, environment, _box.RunArgs("Steady", "--threads", "1", "--parallel", "1"));
        WaitUntil(() => _box.LogLines().Any(l => l[0] == "start"), "a trial to start");
        unrelated.Kill();
        Assert.True(runner.WaitForExit(TimeSpan.FromMinutes(2)));
        runner.WaitForExit();

        Assert.True(runner.ExitCode == 0, FakesProcess.OutputOf(runner));
        Assert.All(_box.Query("SELECT status FROM trials"), r => Assert.Equal("done", r[0]));
    }

    [Fact]
    public void Killed_with_SIGKILL_at_random_moments_over_a_multi_experiment_sweep_every_trial_is_stored_once_with_all_its_rows()
    {
        // Fault injection: five SIGKILLs at random moments (fixed seed), each to the runner or to one of its workers, over a
        // sweep of a plain experiment and a packed generated one; then one uninterrupted run finishes it.
        var random = new Random(20261129);
        var environment = _box.Environment(trials: 6, steps: 20, stepMs: 40);
        var args = _box.RunArgs("Steady,Packable", "--parallel", "2", "--threads", "1");
        var kills = new List<string>();
        for (var k = 0; k < 5; k++)
        {
            using var runner = FakesProcess.Start(_box.Folder, environment, args);
            if (runner.WaitForExit(random.Next(1500, 6000))) break; // finished before this kill
            var workers = ProcessesOn(_box.Store).Where(pid => pid != runner.Id).ToList();
            if (workers.Count > 0 && random.Next(2) == 0)
            {
                var victim = workers[random.Next(workers.Count)];
                Signal(victim, "SIGKILL");
                kills.Add("worker");
                if (runner.WaitForExit(random.Next(500, 2000))) continue;
            }
            Signal(runner.Id, "SIGKILL");
            kills.Add("runner");
            runner.WaitForExit();
        }

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady,Packable", "--parallel", "2", "--threads", "1", "--retry-failed"));

        Assert.True(exit == 0, $"kills: {string.Join(", ", kills)}\n{output}");
        Assert.NotEmpty(kills);
        Assert.All(_box.Query("SELECT status FROM trials"), r => Assert.Equal("done", r[0]));
        Assert.Equal(6, _box.Query("SELECT id FROM trials WHERE experiment = 'Steady'").Count);
        Assert.Equal(12, _box.Query("SELECT id FROM trials WHERE experiment = 'Packable'").Count);
        Assert.All(_box.Query("SELECT count(*), count(DISTINCT step), min(step), max(step) FROM metrics_Steady GROUP BY trial_id"),
            r => Assert.Equal(new object[] { 20L, 20L, 1L, 20L }, r));
        Assert.Equal(6, _box.Query("SELECT DISTINCT trial_id FROM metrics_Steady").Count);
        Assert.All(_box.Query("SELECT count(*), count(DISTINCT step) FROM metrics_Packable GROUP BY trial_id"), r => Assert.Equal(new object[] { 4L, 4L }, r));
        Assert.Equal(12, _box.Query("SELECT DISTINCT trial_id FROM metrics_Packable").Count);
        Assert.Empty(_box.Query("SELECT id FROM trials WHERE lease IS NOT NULL AND status = 'running'"));
        Thread.Sleep(300);
        Assert.Empty(ProcessesOn(_box.Store));
    }

    [Fact]
    public void A_full_disk_under_the_store_ends_in_one_message_and_the_sweep_resumes_once_there_is_space()
    {
        // Before: a stack trace. Needs root for the small tmpfs (CI and this project's machines run as root).
        var mount = Path.Combine(_box.Folder, "small");
        Directory.CreateDirectory(mount);
        Command("mount", "-t", "tmpfs", "-o", "size=192k", "tmpfs", mount);
        try
        {
            var store = Path.Combine(mount, "results.db");
            string[] args = ["run", "--filter", "Steady", "--store", store, "--reports", _box.Reports, "--progress", "plain", "--device", "cpu", "--parallel", "1", "--threads", "1"];
            var environment = _box.Environment(trials: 12, steps: 400, stepMs: 0);

            var (exit, output) = FakesProcess.Run(_box.Folder, environment, args);

            Assert.True(exit == 2, output);
            Assert.Contains("is full", output);
            Assert.Contains("a rerun resumes", output);
            Assert.DoesNotContain("Unhandled exception", output);
            Assert.DoesNotContain("   at ", output);

            Command("mount", "-o", "remount,size=64m", mount);
            var again = FakesProcess.Run(_box.Folder, environment, args);
            Assert.True(again.Exit == 0, again.Output);
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM trials WHERE status = 'done' AND steps = 400";
            Assert.Equal(12L, command.ExecuteScalar());
            command.CommandText = "SELECT count(*) FROM metrics_Steady";
            Assert.Equal(12L * 400, command.ExecuteScalar());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Command("umount", "-l", mount);
        }
    }

    [Fact]
    public void A_full_disk_under_the_reports_ends_in_one_message_and_leaves_no_empty_or_partial_file()
    {
        // Before: 0-byte PNGs were left behind without an error.
        var environment = _box.Environment(trials: 3, steps: 50, stepMs: 0);
        Assert.Equal(0, FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady")).Exit);
        var mount = Path.Combine(_box.Folder, "small-reports");
        Directory.CreateDirectory(mount);
        Command("mount", "-t", "tmpfs", "-o", "size=24k", "tmpfs", mount);
        try
        {
            var (exit, output) = FakesProcess.Run(_box.Folder, environment, ["report", "--filter", "Steady", "--store", _box.Store, "--reports", mount]);

            Assert.True(exit == 2, output);
            Assert.Contains("The disk is full", output);
            Assert.DoesNotContain("   at ", output);
            Assert.All(Directory.EnumerateFiles(mount, "*", SearchOption.AllDirectories), f => Assert.True(new FileInfo(f).Length > 0, f + " is empty"));
            Assert.Empty(Directory.EnumerateFiles(mount, "*.partial*", SearchOption.AllDirectories));
        }
        finally
        {
            Command("umount", "-l", mount);
        }
    }

    private static void Command(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)}: {error}");
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", ["-s", signal.Replace("SIG", ""), pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void WaitUntil(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(1)) throw new TimeoutException($"Waited a minute for {what}.");
            Thread.Sleep(100);
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static List<int> ProcessesOn(string store) =>
        Process.GetProcessesByName("dotnet").Where(p => CommandLine(p).Contains(store)).Select(p => p.Id).ToList();

    private static string CommandLine(Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
