using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;
using Snapshooter.Xunit;
using static Declarative.Runtime.Tests.Claims.GridResults;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>
/// What a target budget ([TrainUntil]) gives claims and reports: each finished trial's result knows whether it reached its
/// target and after how many updates and epochs, a claim restricts itself to the trials that reached it with
/// <c>when: r =&gt; r.ReachedTarget</c>, and the report says per point and per trial whether and when.
/// </summary>
public sealed class TargetBudgetResultTests
{
    private static readonly TrainingTarget Target = new(TargetMetric.TrainLoss, 0.15);

    private static TrialRecord Trial(string id, int batch, int seed, long steps, int epochs, bool? reached, TrialStatus status = TrialStatus.Done) =>
        new(id, "Grid", "smoke", seed, [new("LearningRate", "0.1"), new("BatchSize", TrialId.Format(batch))], status, 1, steps, steps / 100.0, null, null)
        {
            Epochs = epochs,
            ReachedTarget = reached,
        };

    /// <summary>Batch 32 reaches the loss in 3 or 4 epochs of 30 steps; batch 512 in 6 or 7 epochs of 2 steps, except one seed that hit the cap of 10.</summary>
    private static ExperimentResults Results()
    {
        var trials = new[]
        {
            Trial("a0", 32, 0, 90, 3, true), Trial("a1", 32, 1, 120, 4, true), Trial("a2", 32, 2, 90, 3, true),
            Trial("b0", 512, 0, 12, 6, true), Trial("b1", 512, 1, 14, 7, true), Trial("b2", 512, 2, 20, 10, false),
        };
        // b2 missed the target: its test accuracy (0.70, at a worse fit) must stay out of the results table's columns.
        var rows = trials.Select(t => new MetricSample(t.Id, t.Steps, t.Epochs!.Value - 1,
            [null, null, t.Id == "b2" ? 0.70 : t.Parameter("BatchSize") == "32" ? 0.88 : 0.85, null], [null, null, null, null])).ToArray();
        return new ExperimentResults("Grid", "Batch sizes at matched training loss.", "[Experiment(Epochs = 10)]\n[TrainUntil(TrainLoss = 0.15)]\npublic partial record Grid(...);",
            Budget.Smoke, new ExperimentSettings(10, 3, 0, 0) { Target = Target }, ["LearningRate", "BatchSize"], GridMetrics.Schema, trials, rows);
    }

    [Fact]
    public void A_claim_reads_updates_to_target_over_the_trials_that_reached_it()
    {
        var seen = new List<(long Steps, int Epochs, bool Reached)>();
        var everyTrial = Expect.AtMost(r => { seen.Add((r.StepsTrained, r.EpochsTrained, r.ReachedTarget)); return r.StepsTrained; }, 150).Named("EveryTrial");
        everyTrial.Check(Results());
        Assert.Contains((20L, 10, false), seen);
        Assert.Contains((90L, 3, true), seen);

        // Updates to target, large batch against small, over the trials that reached it: b2 (the cap, 20 steps) is left out.
        var reachedOnly = Expect.AtMost(r => r.StepsTrained, 13.5, where: p => p.BatchSize == 512, when: r => r.ReachedTarget).Named("ReachedOnly");
        var result = reachedOnly.Check(Results());
        Assert.Equal(2, result.Numbers["n"]);
        Assert.Equal(13, result.Numbers["mean"], 12);
        var all = Expect.AtMost(r => r.StepsTrained, 13.5, where: p => p.BatchSize == 512).Named("All").Check(Results());
        Assert.Equal(3, all.Numbers["n"]);
        Assert.Equal(46.0 / 3, all.Numbers["mean"], 12);
    }

    [Fact]
    public void The_store_keeps_epochs_and_whether_the_target_was_reached()
    {
        var folder = Directory.CreateTempSubdirectory("declarative-target-").FullName;
        try
        {
            using (var store = new SqliteResultStore(Path.Combine(folder, "results.db")))
            {
                var experiment = new Store.StoreContract.Experiment(3);
                store.EnsureExperiment(experiment);
                store.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
                store.MarkRunning("a", "h");
                store.Complete(experiment.Name, experiment.Schema, "a", TrialOutcome.Done(90) with { Epochs = 3, ReachedTarget = true }, [], 1);
                store.MarkRunning("b", "h");
                store.Complete(experiment.Name, experiment.Schema, "b", TrialOutcome.Done(300) with { Epochs = 10, ReachedTarget = false }, [], 1);
                store.MarkRunning("c", "h");
                store.Complete(experiment.Name, experiment.Schema, "c", TrialOutcome.Done(300) with { Epochs = 10 }, [], 1);

                var trials = store.Trials(experiment.Name).ToDictionary(t => t.Id);
                Assert.Equal((90L, 3, (bool?)true), (trials["a"].Steps, trials["a"].Epochs, trials["a"].ReachedTarget));
                Assert.Equal((300L, 10, (bool?)false), (trials["b"].Steps, trials["b"].Epochs, trials["b"].ReachedTarget));
                Assert.Equal((300L, 10, (bool?)null), (trials["c"].Steps, trials["c"].Epochs, trials["c"].ReachedTarget));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_report_says_per_point_and_per_trial_whether_and_when_the_target_was_reached() =>
        Snapshot.Match(MarkdownReport.Render(Results()));

    [Fact]
    public void The_budget_describes_its_target_and_its_cap()
    {
        Assert.Equal("until TrainLoss ≤ 0.15 at an epoch end, at most 10 epoch(s), 3 seed(s), train subset all, test subset all",
            new ExperimentSettings(10, 3, 0, 0) { Target = Target }.Describe());
        Assert.Equal("TrainAccuracy ≥ 0.97 on 10000 training examples", new TrainingTarget(TargetMetric.TrainAccuracy, 0.97, 10_000).Describe());
        Assert.True(Target.IsMetBy(0.15));
        Assert.False(Target.IsMetBy(0.1500001));
        Assert.False(Target.IsMetBy(double.NaN));
        Assert.True(new TrainingTarget(TargetMetric.TrainAccuracy, 0.97).IsMetBy(0.97));
        Assert.False(new TrainingTarget(TargetMetric.TrainAccuracy, 0.97).IsMetBy(0.969));
    }
}
