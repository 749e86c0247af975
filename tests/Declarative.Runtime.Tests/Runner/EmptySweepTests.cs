using Declarative.Runtime.Experiments;
using Declarative.Runtime.Runner;

namespace Declarative.Runtime.Tests.Runner;

/// <summary>An experiment whose Excluded removes every point (no trials) is an error naming it, not a silent run of nothing.</summary>
public sealed class EmptySweepTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-empty-sweep").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed record Trial(string Id, int Seed, ExperimentSettings Settings, IReadOnlyList<KeyValuePair<string, string>> Parameters) : ITrial;

    private sealed class Experiment(int points) : IExperimentDefinition
    {
        public string Name => "AllExcluded";
        public string Summary => "Every point excluded.";
        public string Declaration => "[Experiment]";
        public IReadOnlyList<string> Axes => ["LearningRate"];
        public MetricSchema Schema { get; } = new([new MetricColumn("TestAccuracy", "at the end")]);
        public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
        public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
        public IReadOnlyList<ITrial> Trials(Budget budget) =>
            Enumerable.Range(0, points).Select(i => (ITrial)new Trial("t" + i, 0, SettingsFor(budget), [new("LearningRate", "0.1")])).ToArray();
        public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
        public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => trials.Select(_ => TrialOutcome.Done(0)).ToArray();
    }

    private RunOptions Options => new([], Budget.Smoke, Path.Combine(_folder, "results.db"), Path.Combine(_folder, "reports"), null, "auto", 1, RetryFailed: false);

    [Fact]
    public void A_sweep_without_trials_is_an_error_that_names_the_experiment_and_Excluded()
    {
        var error = Assert.Throws<ArgumentException>(() => new ExperimentRunner(TextWriter.Null).Run([new Experiment(0)], Options));
        Assert.Contains("'AllExcluded' has no trials", error.Message);
        Assert.Contains("Excluded", error.Message);
    }

    [Fact]
    public void A_sweep_with_trials_passes_the_check()
    {
        ExperimentRunner.EnsureHasTrials("Grid", Budget.Smoke, 1);
        Assert.Throws<ArgumentException>(() => ExperimentRunner.EnsureHasTrials("Grid", Budget.Smoke, 0));
    }
}
