using System.Diagnostics;
using System.Text.RegularExpressions;
using Declarative.EndToEnd.Tests;

namespace Declarative.ScaleOut.Tests;

/// <summary>
/// Sweeps of the fake experiments as Slurm job arrays on the one-node cluster of
/// scripts/scaleout-up.sh, with the PostgreSQL store: real sbatch, real array tasks, real kills.
/// </summary>
[Trait("Category", "ScaleOut")]
public sealed partial class SlurmSweepTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly Sandbox _box = new();

    public void Dispose()
    {
        _database.Dispose();
        _box.Dispose();
    }

    private string[] Args(int tasks, params string[] extra) =>
    [
        "run", "--filter", "Steady", "--store", _database.ConnectionString, "--reports", _box.Reports, "--progress", "plain", "--device", "cpu",
        "--executor", "slurm", "--array-tasks", tasks.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cpus-per-task", "1",
        "--stale-after", "5", "--slurm-logs", Path.Combine(_box.Folder, "slurm"), .. extra,
    ];

    [Fact]
    public void Killing_one_array_task_in_the_middle_of_a_trial_reruns_that_trial_only_and_every_trial_is_done_once()
    {
        var environment = _box.Environment(trials: 9, steps: 10, stepMs: 300);
        using var submitter = FakesProcess.Start(_box.Folder, environment, Args(3));
        var job = WaitForJob(submitter);

        // A trial past its second step and far from its end, held by an array task's drain process.
        var victim = WaitFor(() => _database.Query("SELECT id, runner FROM trials WHERE status = 'running' AND progress_step BETWEEN 2 AND 6 ORDER BY id")
            .Select(r => (Id: (string)r[0], Runner: (string)r[1])).FirstOrDefault(), v => v.Id is not null, submitter, "a trial in the middle of its steps");
        var pid = int.Parse(victim.Runner.Split('/')[1], System.Globalization.CultureInfo.InvariantCulture);
        using (var task = Process.GetProcessById(pid)) task.Kill(); // SIGKILL to the array task's runner; its worker sees its stdin close

        Assert.True(submitter.WaitForExit(TimeSpan.FromMinutes(4)), "The submitting runner did not finish:\n" + FakesProcess.OutputOf(submitter));
        submitter.WaitForExit();
        var output = FakesProcess.OutputOf(submitter);
        Assert.True(submitter.ExitCode == 0, output);
        Assert.Contains($"Submitted Slurm job array {job}", output);

        AssertEveryTrialDoneOnceWithItsRows(9, 10);
        Assert.Equal(2, _database.Query($"SELECT attempts FROM trials WHERE id = '{victim.Id}'").Single()[0]);
        Assert.Equal(10L, _database.Query("SELECT sum(attempts) FROM trials").Single()[0]);
        var starts = _box.LogLines().Where(l => l[0] == "start").GroupBy(l => l[1]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, starts[victim.Id]);
        Assert.All(starts.Where(s => s.Key != victim.Id), s => Assert.Equal(1, s.Value));
        Assert.Contains("done", File.ReadAllText(Path.Combine(_box.Reports, "Steady.md")));
        // The tasks ran on the cluster: three task output files, each naming the drain command's runner.
        Assert.Equal(3, Directory.GetFiles(Path.Combine(_box.Folder, "slurm"), $"{job}_*.out").Length);
    }

    [Fact]
    public void Cancelling_the_job_with_scancel_and_submitting_again_resumes_without_rerunning_finished_trials()
    {
        var environment = _box.Environment(trials: 8, steps: 8, stepMs: 300);
        using var first = FakesProcess.Start(_box.Folder, environment, Args(2));
        var job = WaitForJob(first);
        WaitFor(() => (long)_database.Query("SELECT count(*) FROM trials WHERE status = 'done'").Single()[0], n => n >= 2, first, "two finished trials");
        Assert.Equal(0, Scancel(job));

        Assert.True(first.WaitForExit(TimeSpan.FromMinutes(2)), "The first runner did not notice the cancelled job:\n" + FakesProcess.OutputOf(first));
        first.WaitForExit();
        Assert.True(first.ExitCode == 3, FakesProcess.OutputOf(first));
        Assert.Contains("unfinished", FakesProcess.OutputOf(first));
        var doneBefore = _database.Query("SELECT id FROM trials WHERE status = 'done'").Select(r => (string)r[0]).ToHashSet();
        Assert.InRange(doneBefore.Count, 2, 7);

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, Args(2));

        Assert.True(exit == 0, output);
        Assert.Contains($"{doneBefore.Count} already finished", output);
        AssertEveryTrialDoneOnceWithItsRows(8, 8);
        var starts = _box.LogLines().Where(l => l[0] == "start").GroupBy(l => l[1]).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(doneBefore, id => Assert.Equal(1, starts[id]));
    }

    private void AssertEveryTrialDoneOnceWithItsRows(int trials, int steps)
    {
        var records = _database.Query("SELECT id, status, steps FROM trials WHERE experiment = 'Steady'");
        Assert.Equal(trials, records.Count);
        Assert.All(records, t => Assert.Equal(("done", (long)steps), ((string)t[1], (long)t[2])));
        var rows = _database.Query("SELECT trial_id, count(*), count(DISTINCT step), min(step), max(step) FROM \"metrics_Steady\" GROUP BY trial_id");
        Assert.Equal(trials, rows.Count);
        Assert.All(rows, r => Assert.Equal(new object[] { (long)steps, (long)steps, 1L, (long)steps }, r[1..]));
        Assert.Empty(_database.Query("SELECT id FROM trials WHERE status = 'running'"));
    }

    private static string WaitForJob(Process submitter) =>
        WaitFor(() => JobLine().Match(FakesProcess.OutputOf(submitter)) is { Success: true } m ? m.Groups[1].Value : null, id => id is not null, submitter, "the job submission")!;

    private static T WaitFor<T>(Func<T> probe, Func<T, bool> ready, Process submitter, string what)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(2))
        {
            var value = probe();
            if (ready(value)) return value;
            if (submitter.HasExited) throw new InvalidOperationException($"The runner ended before {what}:\n{FakesProcess.OutputOf(submitter)}");
            Thread.Sleep(100);
        }
        throw new TimeoutException($"No {what} after 2 minutes:\n{FakesProcess.OutputOf(submitter)}");
    }

    private static int Scancel(string job)
    {
        using var process = Process.Start(new ProcessStartInfo("scancel", job) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode;
    }

    [GeneratedRegex(@"Submitted Slurm job array (\d+)")]
    private static partial Regex JobLine();
}
