using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Tests.Store;

public sealed class SqliteResultStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-store-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed record FakeTrial(string Id, int Seed, ExperimentSettings Settings, IReadOnlyList<KeyValuePair<string, string>> Parameters) : ITrial;

    private sealed class FakeExperiment : IExperimentDefinition
    {
        public string Name => "Fake";
        public string Summary => "A fake.";
        public string Declaration => "[Experiment]";
        public IReadOnlyList<string> Axes => ["LearningRate"];
        public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step"), new MetricColumn("TestAccuracy", "at the end")]);
        public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
        public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
        public IReadOnlyList<ITrial> Trials(Budget budget) =>
            [new FakeTrial("a", 0, SettingsFor(budget), [new("LearningRate", "0.1")]), new FakeTrial("b", 0, SettingsFor(budget), [new("LearningRate", "0.2")])];
        public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
        public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => trials.Select(_ => TrialOutcome.Done(0)).ToArray();
    }

    private sealed record Row(long Step, int Epoch, double? Loss, double? Accuracy) : IMetricRow
    {
        public double? GetValue(int column) => column == 0 ? Loss : Accuracy;
    }

    [Fact]
    public void Stores_trials_and_rows_and_keeps_finished_trials_on_re_add()
    {
        var path = Path.Combine(_folder, "results.db");
        var experiment = new FakeExperiment();
        using (var store = new SqliteResultStore(path))
        {
            store.EnsureExperiment(experiment);
            store.AddTrials("Fake", Budget.Smoke, experiment.Trials(Budget.Smoke));
            store.MarkRunning("a", "host");
            store.Complete("Fake", experiment.Schema, "a", TrialOutcome.Done(2), [new Row(1, 0, 0.5, null), new Row(2, 0, 0.25, 0.9)], 1.5);
        }

        using (var reopened = new SqliteResultStore(path))
        {
            reopened.EnsureExperiment(experiment);
            reopened.AddTrials("Fake", Budget.Smoke, experiment.Trials(Budget.Smoke));
            var trials = reopened.Trials("Fake");
            Assert.Equal([TrialStatus.Done, TrialStatus.Pending], trials.Select(t => t.Status));
            Assert.Equal(1, trials[0].Attempts);
            var rows = reopened.Rows("Fake", experiment.Schema);
            Assert.Equal(2, rows.Count);
            Assert.Equal([0.25, 0.9], rows[1].Values.Select(v => v!.Value));
            Assert.Null(rows[0].Values[1]);
        }
    }

    [Fact]
    public void A_second_completion_replaces_the_rows_of_the_first()
    {
        var experiment = new FakeExperiment();
        using var store = new SqliteResultStore(Path.Combine(_folder, "results.db"));
        store.EnsureExperiment(experiment);
        store.AddTrials("Fake", Budget.Smoke, experiment.Trials(Budget.Smoke));
        store.Complete("Fake", experiment.Schema, "a", TrialOutcome.Done(2), [new Row(1, 0, 0.5, null), new Row(2, 0, 0.4, null)], 1);
        store.Complete("Fake", experiment.Schema, "a", TrialOutcome.Done(2), [new Row(1, 0, 0.5, null), new Row(2, 0, 0.4, null)], 1);

        Assert.Equal(2, store.Rows("Fake", experiment.Schema).Count);
    }

    [Fact]
    public void Refuses_a_store_from_a_newer_schema_and_leaves_it_alone()
    {
        var path = Path.Combine(_folder, "newer.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(path);

        var error = Assert.Throws<StoreException>(() => new SqliteResultStore(path));

        Assert.Contains("schema version 99", error.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_corrupt_file_is_reported_and_kept()
    {
        var path = Path.Combine(_folder, "corrupt.db");
        File.WriteAllText(path, "this is not a database, but it is somebody's file");

        var error = Assert.Throws<StoreException>(() => new SqliteResultStore(path));

        Assert.Contains(path, error.Message);
        Assert.True(File.Exists(path));
    }
}
