using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Tests.Store;

/// <summary>What only SQLite has: migration from its earlier schema versions. The shared rules are in <see cref="SqliteStoreContractTests"/>.</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-claims-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_version_1_store_is_migrated_and_keeps_its_trials()
    {
        var path = Path.Combine(_folder, "v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE experiments (name TEXT PRIMARY KEY, summary TEXT NOT NULL, declaration TEXT NOT NULL, axes TEXT NOT NULL, columns TEXT NOT NULL);
                CREATE TABLE trials (id TEXT PRIMARY KEY, experiment TEXT NOT NULL, budget TEXT NOT NULL, seed INTEGER NOT NULL, parameters TEXT NOT NULL,
                    ordinal INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, steps INTEGER NOT NULL DEFAULT 0,
                    seconds REAL NOT NULL DEFAULT 0, host TEXT, error TEXT, started_at TEXT, finished_at TEXT);
                INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status, attempts) VALUES ('x', 'Old', 'smoke', 0, '[]', 0, 'done', 1);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteResultStore(path);

        Assert.Equal(TrialStatus.Done, store.Trial("x")!.Status);
        Assert.Null(store.Claim("Old", Budget.Smoke, "r", "h", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void A_version_3_store_gains_the_trained_epochs_and_target_columns_and_keeps_its_trials()
    {
        var path = Path.Combine(_folder, "v3.db");
        using (var store = new SqliteResultStore(path)) { }
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // A version 3 file: the same tables without the columns version 4 added.
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                ALTER TABLE trials DROP COLUMN epochs;
                ALTER TABLE trials DROP COLUMN reached_target;
                INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status, attempts, steps, provenance) VALUES ('x', 'Old', 'smoke', 0, '[]', 0, 'done', 1, 40, '{}');
                PRAGMA user_version = 3;
                """;
            command.ExecuteNonQuery();
        }

        using var migrated = new SqliteResultStore(path);

        var trial = migrated.Trial("x")!;
        Assert.Equal((TrialStatus.Done, 40L, "{}"), (trial.Status, trial.Steps, trial.Provenance));
        Assert.Null(trial.Epochs);
        Assert.Null(trial.ReachedTarget);
    }
}
