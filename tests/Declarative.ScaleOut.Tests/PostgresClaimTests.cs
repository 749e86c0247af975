using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Declarative.Runtime.Tests.Store;
using Npgsql;

namespace Declarative.ScaleOut.Tests;

/// <summary>What only PostgreSQL has: its schema table, concurrent schema creation, and a server that does not answer. The shared rules are in <see cref="PostgresStoreContractTests"/>.</summary>
[Trait("Category", "ScaleOut")]
public sealed class PostgresClaimTests : IDisposable
{
    private readonly TestDatabase _database = new();

    public void Dispose() => _database.Dispose();

    private IResultStore Open(int count = 3)
    {
        var store = StoreFactory.Open(_database.ConnectionString);
        var experiment = new StoreContract.Experiment(count);
        store.EnsureExperiment(experiment);
        store.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
        return store;
    }

    [Fact]
    public void A_newer_schema_is_refused_and_left_as_it_is()
    {
        using (var store = Open(1)) store.MarkRunning("a", "h");
        _database.Execute("UPDATE declarative_schema SET version = 99;");

        var error = Assert.Throws<StoreException>(() => StoreFactory.Open(_database.ConnectionString));

        Assert.Contains($"schema version 99, newer than this build's {SqlResultStore.SchemaVersion}", error.Message);
        Assert.Equal([99], _database.Query("SELECT version FROM declarative_schema").Select(r => (int)r[0]));
        Assert.Equal(["running"], _database.Query("SELECT status FROM trials").Select(r => (string)r[0]));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void An_older_schema_is_migrated_and_keeps_its_trials(int version)
    {
        using (var store = Open(1)) store.MarkRunning("a", "h");
        // An older database: the same tables without the columns later versions added (3: provenance; 4: epochs, reached_target).
        if (version < 3) _database.Execute("ALTER TABLE trials DROP COLUMN provenance;");
        _database.Execute($"ALTER TABLE trials DROP COLUMN epochs; ALTER TABLE trials DROP COLUMN reached_target; UPDATE declarative_schema SET version = {version};");
        _database.Execute("UPDATE trials SET status = 'done', steps = 40;");

        using var migrated = StoreFactory.Open(_database.ConnectionString);

        Assert.Equal([SqlResultStore.SchemaVersion], _database.Query("SELECT version FROM declarative_schema").Select(r => (int)r[0]));
        var trial = migrated.Trial("a")!;
        Assert.Equal((TrialStatus.Done, 40L), (trial.Status, trial.Steps));
        Assert.Null(trial.Epochs);
        Assert.Null(trial.ReachedTarget);
        var experiment = new StoreContract.Experiment(1);
        migrated.Complete(experiment.Name, experiment.Schema, "a", TrialOutcome.Done(90) with { Epochs = 3, ReachedTarget = true }, [], 1);
        Assert.Equal((3, (bool?)true), (migrated.Trial("a")!.Epochs, migrated.Trial("a")!.ReachedTarget));
    }

    [Fact]
    public void Runners_opening_a_new_database_at_once_create_the_schema_once()
    {
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 6).Select(_ => new Thread(() =>
        {
            try
            {
                using var store = StoreFactory.Open(_database.ConnectionString);
                store.EnsureExperiment(new StoreContract.Experiment());
            }
            catch (Exception e) { errors.Add(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();

        Assert.Empty(errors);
        Assert.Equal([SqlResultStore.SchemaVersion], _database.Query("SELECT version FROM declarative_schema").Select(r => (int)r[0]));
    }

    [Fact]
    public void A_server_that_does_not_answer_gives_a_message_with_the_fix()
    {
        var error = Assert.Throws<StoreException>(() => StoreFactory.Open("postgres://nobody@127.0.0.1:1/none?Timeout=2"));
        Assert.Contains("Cannot open the PostgreSQL store postgres://nobody@127.0.0.1:1/none", error.Message);
    }
}
