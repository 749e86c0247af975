using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Store;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Tests.Store;

/// <summary>Identity by content: ids cover the resolved spec, and stores written under the earlier formula keep their finished trials.</summary>
public sealed class TrialIdMigrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-ids-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static readonly ExperimentSettings Settings = new(1, 1, 0, 0);

    private static TrialSpec Spec(double learningRate) => new()
    {
        Seed = 0,
        Settings = Settings,
        Data = new DataSpec(DataSetKind.GaussianMixture),
        Model = new ModelSpec(ModelKind.Mlp) { Sizes = [8] },
        Optimizer = new OptimizerSpec { LearningRate = learningRate },
    };

    /// <summary>A trial of axis "Scale" whose learning rate is derived (Scale × factor), as a generated record's derived member is.</summary>
    private sealed record Trial(string Scale, double Factor, bool LegacyIds) : ITrial
    {
        public IReadOnlyList<KeyValuePair<string, string>> Parameters => [new("Scale", Scale)];
        public int Seed => 0;
        public ExperimentSettings Settings => TrialIdMigrationTests.Settings;
        public TrialSpec Spec => TrialIdMigrationTests.Spec(double.Parse(Scale, System.Globalization.CultureInfo.InvariantCulture) * Factor);
        public string Id => LegacyIds ? TrialId.Compute("Derived", Parameters, Seed, Settings) : TrialId.Compute("Derived", Parameters, Seed, Settings, Spec);
    }

    private sealed class Experiment(double factor, bool legacyIds) : IExperimentDefinition
    {
        public string Name => "Derived";
        public string Summary => "A derived learning rate.";
        public string Declaration => "[Experiment]";
        public IReadOnlyList<string> Axes => ["Scale"];
        public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step")]);
        public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
        public ExperimentSettings SettingsFor(Budget budget) => Settings;
        public IReadOnlyList<ITrial> Trials(Budget budget) => [new Trial("1", factor, legacyIds), new Trial("2", factor, legacyIds)];
        public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
        public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => trials.Select(_ => TrialOutcome.Done(1)).ToArray();
    }

    private sealed record Row(long Step, int Epoch, double? Loss) : IMetricRow
    {
        public double? GetValue(int column) => Loss;
    }

    [Fact]
    public void A_changed_derived_value_gives_new_ids_and_an_unchanged_one_keeps_its_id()
    {
        var before = new Experiment(factor: 0.1, legacyIds: false).Trials(Budget.Smoke);
        var after = new Experiment(factor: 0.2, legacyIds: false).Trials(Budget.Smoke);
        var again = new Experiment(factor: 0.1, legacyIds: false).Trials(Budget.Smoke);

        Assert.Equal(before.Select(t => t.Id), again.Select(t => t.Id));
        Assert.All(before.Zip(after), pair => Assert.NotEqual(pair.First.Id, pair.Second.Id));
        // Before: the id hashed the point, seed and settings only, so both formulas gave one id.
        Assert.Equal(new Experiment(0.1, legacyIds: true).Trials(Budget.Smoke).Select(t => t.Id), new Experiment(0.2, legacyIds: true).Trials(Budget.Smoke).Select(t => t.Id));
    }

    [Fact]
    public void A_store_with_ids_of_the_earlier_formula_keeps_its_finished_trials_and_their_rows()
    {
        var path = Path.Combine(_folder, "results.db");
        var legacy = new Experiment(0.1, legacyIds: true);
        using (var store = new SqliteResultStore(path))
        {
            store.EnsureExperiment(legacy);
            store.AddTrials("Derived", Budget.Smoke, legacy.Trials(Budget.Smoke));
            var first = legacy.Trials(Budget.Smoke)[0].Id;
            store.MarkRunning(first, "host");
            store.Complete("Derived", legacy.Schema, first, TrialOutcome.Done(2), [new Row(1, 0, 0.5), new Row(2, 0, 0.25)], 1.0);
        }

        var current = new Experiment(0.1, legacyIds: false);
        using (var store = new SqliteResultStore(path))
        {
            store.EnsureExperiment(current);
            Assert.Equal(2, TrialIdMigration.Apply(store, current, Budget.Smoke));
            store.AddTrials("Derived", Budget.Smoke, current.Trials(Budget.Smoke));

            var trials = store.Trials("Derived");
            Assert.Equal(current.Trials(Budget.Smoke).Select(t => t.Id).Order(), trials.Select(t => t.Id).Order());
            var done = Assert.Single(trials, t => t.Status == TrialStatus.Done);
            Assert.Equal(current.Trials(Budget.Smoke)[0].Id, done.Id);
            Assert.Equal([0.5, 0.25], store.Rows("Derived", current.Schema).Where(r => r.TrialId == done.Id).Select(r => r.Values[0]!.Value));
            Assert.Equal(0, TrialIdMigration.Apply(store, current, Budget.Smoke)); // idempotent
        }
    }

    [Fact]
    public void A_finished_trial_under_the_new_id_is_never_overwritten_by_an_old_one()
    {
        var path = Path.Combine(_folder, "results.db");
        var legacy = new Experiment(0.1, legacyIds: true);
        var current = new Experiment(0.1, legacyIds: false);
        using var store = new SqliteResultStore(path);
        store.EnsureExperiment(current);
        store.AddTrials("Derived", Budget.Smoke, legacy.Trials(Budget.Smoke));
        store.AddTrials("Derived", Budget.Smoke, current.Trials(Budget.Smoke));
        var id = current.Trials(Budget.Smoke)[0].Id;
        store.MarkRunning(id, "host");
        store.Complete("Derived", current.Schema, id, TrialOutcome.Done(1), [new Row(1, 0, 0.125)], 1.0);

        Assert.Equal(1, TrialIdMigration.Apply(store, current, Budget.Smoke)); // the second trial only

        Assert.Equal([0.125], store.Rows("Derived", current.Schema).Where(r => r.TrialId == id).Select(r => r.Values[0]!.Value));
    }
}
