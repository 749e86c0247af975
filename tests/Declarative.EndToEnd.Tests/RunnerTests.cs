using System.Diagnostics;

namespace Declarative.EndToEnd.Tests;

/// <summary>The sweep runner as users run it: real processes on a real SQLite file, over deterministic fake experiments.</summary>
public sealed class RunnerTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public void Killed_with_SIGKILL_at_several_points_and_restarted_every_trial_is_done_once_without_duplicate_rows()
    {
        var environment = _box.Environment(trials: 6, steps: 8, stepMs: 60);
        var args = _box.RunArgs("Steady", "--parallel", "2", "--threads", "1");
        foreach (var killAfter in new[] { 700, 1800, 1300 })
        {
            using var runner = FakesProcess.Start(_box.Folder, environment, args);
            if (runner.WaitForExit(killAfter)) break; // finished before this kill point
            runner.Kill(); // SIGKILL to the runner alone: its workers must notice and stop
            runner.WaitForExit();
        }

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, args);

        Assert.True(exit == 0, output);
        var trials = _box.Query("SELECT id, status, steps FROM trials WHERE experiment = 'Steady'");
        Assert.Equal(6, trials.Count);
        Assert.All(trials, t => Assert.Equal("done", t[1]));
        Assert.All(trials, t => Assert.Equal(8L, t[2]));
        var rows = _box.Query("SELECT trial_id, count(*), count(DISTINCT step), min(step), max(step) FROM metrics_Steady GROUP BY trial_id");
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.Equal(new object[] { 8L, 8L, 1L, 8L }, r[1..]));
        Assert.Empty(_box.Query("SELECT id FROM trials WHERE lease IS NOT NULL AND status = 'running'"));
        // No orphaned worker is left running on this store.
        Thread.Sleep(300);
        Assert.DoesNotContain(Process.GetProcessesByName("dotnet"), p => CommandLine(p).Contains(_box.Store));
    }

    [Fact]
    public void An_aborting_trial_fails_alone_a_NaN_trial_diverges_a_hanging_one_times_out_and_the_others_finish()
    {
        var environment = _box.Environment(steps: 4, stepMs: 10);

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Mixed", "--parallel", "2", "--threads", "1", "--trial-timeout", "20")); // generous: a worker's start-up (TorchSharp, the data) counts against it on a loaded machine

        Assert.True(exit == 3, output); // some trials failed
        var status = _box.Query("SELECT parameters, status, coalesce(error, '') FROM trials WHERE experiment = 'Mixed'")
            .ToDictionary(r => ((string)r[0]).Split('"')[3], r => (Status: (string)r[1], Error: (string)r[2]));
        Assert.Equal("done", status["ok"].Status);
        Assert.Equal("done", status["ok2"].Status);
        Assert.Equal("failed", status["abort"].Status);
        Assert.Contains("SIGABRT", status["abort"].Error);
        Assert.Contains("fake native abort", status["abort"].Error); // the last stderr lines are kept
        Assert.Equal("diverged", status["nan"].Status);
        Assert.Contains("NaN", status["nan"].Error);
        Assert.Equal("failed", status["hang"].Status);
        Assert.Contains("time limit", status["hang"].Error);
        Assert.Equal("failed", status["throw"].Status);
        Assert.Contains("fake trial error", status["throw"].Error);
        var report = File.ReadAllText(Path.Combine(_box.Reports, "Mixed.md"));
        Assert.Contains("diverged", report);

        // Failed trials stay failed on a re-run, and run again only when asked.
        var again = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Mixed", "--trial-timeout", "20")); // generous: a worker's start-up (TorchSharp, the data) counts against it on a loaded machine
        Assert.Contains("0 to run", again.Output);
        // ...and the rerun says so, names the option that retries them, and does not exit as if the sweep were complete.
        Assert.Contains("3 of them failed and kept as failed: add --retry-failed", again.Output);
        Assert.Contains("Failed trials: Mixed 3", again.Output);
        Assert.Equal(3, again.Exit);
        var retry = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Mixed", "--retry-failed", "--trial-timeout", "1", "--parallel", "3"));
        Assert.Contains("3 failed trial(s) retried", retry.Output);
        Assert.Equal([2L, 2L, 2L], _box.Query("SELECT attempts FROM trials WHERE experiment = 'Mixed' AND status = 'failed'").Select(r => r[0]));
        Assert.Equal([1L, 1L, 1L], _box.Query("SELECT attempts FROM trials WHERE experiment = 'Mixed' AND status <> 'failed'").Select(r => r[0]));
    }

    [Fact]
    public void Two_runners_started_on_the_same_store_at_once_never_run_the_same_trial()
    {
        var environment = _box.Environment(trials: 8, steps: 4, stepMs: 40);
        var args = _box.RunArgs("Steady", "--threads", "1");

        using var first = FakesProcess.Start(_box.Folder, environment, args);
        using var second = FakesProcess.Start(_box.Folder, environment, args);
        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)) && second.WaitForExit(TimeSpan.FromMinutes(2)));
        first.WaitForExit();
        second.WaitForExit();

        Assert.True(first.ExitCode == 0, FakesProcess.OutputOf(first));
        Assert.True(second.ExitCode == 0, FakesProcess.OutputOf(second));
        var starts = _box.LogLines().Where(l => l[0] == "start").Select(l => l[1]).ToArray();
        Assert.Equal(8, starts.Length);
        Assert.Equal(8, starts.Distinct().Count());
        Assert.All(_box.Query("SELECT status, attempts FROM trials"), r => Assert.Equal(new object[] { "done", 1L }, r));
        // Both took part (each runner holds one worker; the trials take long enough to overlap).
        Assert.Equal(2, _box.Query("SELECT DISTINCT runner FROM trials").Count);
    }

    [Fact]
    public void A_trial_left_running_by_a_runner_on_another_host_is_run_again_once_its_heartbeat_is_stale()
    {
        var environment = _box.Environment(trials: 3, steps: 2, stepMs: 1);
        Assert.Equal(0, FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady")).Exit);
        // Pretend two trials are held by a runner elsewhere that died: one long silent, one that beat a moment ago.
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_box.Store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE trials SET status = 'running', lease = 'gone', runner = 'elsewhere/1/1', host = 'elsewhere', heartbeat = 0 WHERE ordinal = 0;
                UPDATE trials SET status = 'running', lease = 'gone', runner = 'elsewhere/1/1', host = 'elsewhere',
                    heartbeat = (julianday('now') - 2440587.5) * 86400.0 WHERE ordinal = 1;
                DELETE FROM metrics_Steady WHERE trial_id IN (SELECT id FROM trials WHERE ordinal < 2);
                """;
            command.ExecuteNonQuery();
        }

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady", "--stale-after", "3"));

        Assert.True(exit == 0, output);
        Assert.Equal([2L, 2L, 1L], _box.Query("SELECT attempts FROM trials ORDER BY ordinal").Select(r => r[0]));
        Assert.All(_box.Query("SELECT status FROM trials"), r => Assert.Equal("done", r[0]));
        Assert.Equal([2L, 2L, 2L], _box.Query("SELECT count(*) FROM metrics_Steady GROUP BY trial_id").Select(r => r[0]));
    }

    [Fact]
    public void Export_writes_an_experiments_rows_as_csv()
    {
        var environment = _box.Environment(trials: 2, steps: 3, stepMs: 1);
        Assert.Equal(0, FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady", "--parallel", "2")).Exit);
        var csv = Path.Combine(_box.Folder, "out", "steady.csv");

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, "export", "--experiment", "Steady", "--output", csv, "--store", _box.Store);

        Assert.True(exit == 0, output);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("trial_id,budget,status,seed,Index,step,epoch,BatchLoss,Step2", lines[0]);
        Assert.Equal(7, lines.Length);
        Assert.EndsWith(",done,0,0,1,0,1,2", lines[1]);
    }

    private static string CommandLine(Process p)
    {
        try { return File.ReadAllText($"/proc/{p.Id}/cmdline").Replace('\0', ' '); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }
}
