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
}
