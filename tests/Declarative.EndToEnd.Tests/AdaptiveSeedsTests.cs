using Declarative.Runtime.Experiments;

namespace Declarative.EndToEnd.Tests;

/// <summary>
/// Adaptive seeds end to end, real processes on a real SQLite file, over the fakes' <c>Adaptive</c> experiment (seeds 2 to 8
/// per point, looks at 2, 4 and 8; claim <c>Clear</c> on points a, b holds at the first look, <c>Subtle</c> on c, d at the second).
/// </summary>
public sealed class AdaptiveSeedsTests : IDisposable
{
    private readonly Sandbox _box = new();
    private readonly Sandbox _interrupted = new();

    public void Dispose()
    {
        _box.Dispose();
        _interrupted.Dispose();
    }

    /// <summary>The trials the rounds must end with: every point at 2 seeds, then c and d at 4.</summary>
    private static HashSet<string> Expected() =>
    [
        .. from side in new[] { "a", "b", "c", "d" }
           from seed in Enumerable.Range(0, side is "c" or "d" ? 4 : 2)
           select TrialId.Compute("Adaptive", [new("Side", side)], seed, new ExperimentSettings(1, 8, 0, 0, MinSeeds: 2)),
    ];

    [Fact]
    public void An_undecided_claim_gets_more_seeds_at_its_points_only_and_is_decided_in_round_two()
    {
        var (exit, output) = FakesProcess.Run(_box.Folder, _box.Environment(steps: 2, stepMs: 50), _box.RunArgs("Adaptive", "--parallel", "2", "--budget", "full"));

        Assert.True(exit == 0, output);
        Assert.Contains("Adaptive [full]: 8 trials so far", output);
        Assert.Contains("round 2 of 3: 4 trial(s) added, seeds up to 4 at 2 of 4 point(s) for the undecided claim(s) Subtle (decided: Clear holds at look 1); the other 2 point(s) stop.", output);
        Assert.Contains("adaptive seeds finished after round 2 of 3 (Clear holds at look 1, Subtle holds at look 2)", output);

        var trials = _box.Query("SELECT id, status FROM trials WHERE experiment = 'Adaptive'");
        Assert.Equal(Expected(), trials.Select(t => (string)t[0]).ToHashSet());
        Assert.All(trials, t => Assert.Equal("done", t[1]));
        var seeds = _box.Query("SELECT parameters, count(*) FROM trials GROUP BY parameters ORDER BY parameters").Select(r => (long)r[1]).ToArray();
        Assert.Equal(new long[] { 2, 2, 4, 4 }, seeds);

        var report = File.ReadAllText(Path.Combine(_box.Reports, "Adaptive.md"));
        Assert.Contains("look 1 of 3; each look tests at 0.833% per side, Bonferroni over the 3 planned looks", report);
        Assert.Contains("look 2 of 3; each look tests at 0.833% per side", report);
        Assert.Contains("- Seeds: adaptive, 2 to 8 per point, looks planned at 2, 4, 8 seeds", report);
        Assert.Contains("- Rounds: 2 of 3: round 1 ran 8 trial(s) at 4 point(s); round 2 ran 4 trial(s) at 2 point(s).", report);
        Assert.Contains("- Seeds per point reached: 4 at Side=c, Side=d; 2 at Side=a, Side=b.", report);
        Assert.Contains("- Claims: Clear holds at look 1 (2 seeds per point); Subtle holds at look 2 (4 seeds per point).", report);

        var list = FakesProcess.Run(_box.Folder, null, "list");
        Assert.Contains("Adaptive: 8 to 32 smoke trial(s) (seeds 2 to 8 per point, adaptive), 8 to 32 full trial(s) (seeds 2 to 8 per point, adaptive).", list.Output);

        // A second run finds the sweep finished: no trial is added or run again.
        var lines = _box.LogLines().Count;
        var again = FakesProcess.Run(_box.Folder, _box.Environment(steps: 2, stepMs: 50), _box.RunArgs("Adaptive", "--budget", "full"));
        Assert.True(again.Exit == 0, again.Output);
        Assert.Contains("Adaptive [full]: 12 trials so far (seeds per point adaptive, up to 32 trials), 12 already finished", again.Output);
        Assert.Equal(lines, _box.LogLines().Count);
    }

    [Fact]
    public void An_interrupted_adaptive_sweep_resumes_to_the_same_trials_without_running_a_finished_one_again()
    {
        var environment = _interrupted.Environment(steps: 10, stepMs: 100); // 1 s a trial
        var args = _interrupted.RunArgs("Adaptive", "--parallel", "2", "--budget", "full");
        using (var runner = FakesProcess.Start(_interrupted.Folder, environment, args))
        {
            // Stop it inside round 2: once round 2's trials are in the store and one of them has started.
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!RoundTwoStarted())
            {
                Assert.True(DateTime.UtcNow < deadline && !runner.HasExited, "round 2 never started:\n" + FakesProcess.OutputOf(runner));
                Thread.Sleep(100);
            }
            runner.Kill(); // SIGKILL: nothing is cleaned up
            runner.WaitForExit();
        }
        var doneBefore = _interrupted.Query("SELECT id FROM trials WHERE status = 'done'").Select(r => (string)r[0]).ToHashSet();
        Assert.InRange(doneBefore.Count, 8, 11);
        var linesBefore = _interrupted.LogLines().Count;

        var (exit, output) = FakesProcess.Run(_interrupted.Folder, environment, [.. args, "--stale-after", "2"]);

        Assert.True(exit == 0, output);
        var trials = _interrupted.Query("SELECT id, status FROM trials WHERE experiment = 'Adaptive'");
        Assert.Equal(Expected(), trials.Select(t => (string)t[0]).ToHashSet());
        Assert.All(trials, t => Assert.Equal("done", t[1]));
        var startedAgain = _interrupted.LogLines().Skip(linesBefore).Where(l => l[0] == "start").Select(l => l[1]).ToArray();
        Assert.NotEmpty(startedAgain);
        Assert.Empty(startedAgain.Intersect(doneBefore)); // no finished trial runs again
        Assert.Equal(startedAgain.Length, startedAgain.Distinct().Count());
        var rows = _interrupted.Query("SELECT trial_id, count(*) FROM metrics_Adaptive GROUP BY trial_id");
        Assert.Equal(Expected(), rows.Select(r => (string)r[0]).ToHashSet());
        Assert.All(rows, r => Assert.Equal(1L, r[1]));
        Assert.Contains("Subtle holds at look 2", File.ReadAllText(Path.Combine(_interrupted.Reports, "Adaptive.md")));
    }

    private bool RoundTwoStarted()
    {
        if (!File.Exists(_interrupted.Store)) return false;
        try
        {
            return _interrupted.Query("SELECT count(*) FROM trials WHERE experiment = 'Adaptive' AND seed >= 2 AND status <> 'pending'") is [[long n]] && n > 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return false;
        }
    }
}
