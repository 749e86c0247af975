using Declarative.Runtime.Tests.Store;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Runner;
using Declarative.Runtime.Store;
using static Declarative.ScaleOut.Tests.PostgresClaimTests;

namespace Declarative.ScaleOut.Tests;

/// <summary>The same trials and rows in SQLite and in PostgreSQL render byte-identical reports and CSV.</summary>
[Trait("Category", "ScaleOut")]
public sealed class ReportParityTests : IDisposable
{
    private readonly TestDatabase _database = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-parity-").FullName;

    public void Dispose()
    {
        _database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static void Fill(IResultStore store)
    {
        var experiment = new StoreContract.Experiment(4);
        store.EnsureExperiment(experiment);
        store.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
        var fresh = TimeSpan.FromMinutes(1);
        for (var i = 0; i < 3; i++)
        {
            var claim = store.Claim(experiment.Name, Budget.Smoke, "r", "h", fresh)!;
            if (i == 2)
            {
                store.Fail(claim, "boom", 1);
                continue;
            }
            store.Complete(experiment.Name, experiment.Schema, claim, TrialOutcome.Done(3),
                [new StoreContract.Row(1, 1.0 / (i + 1), [1, 2]), new StoreContract.Row(2, 0.5 / (i + 1)), new StoreContract.Row(3, 0.25 / (i + 1), [0.5, double.NaN])], 1);
        }
    }

    [Fact]
    public void Reports_and_csv_from_postgres_match_those_from_sqlite()
    {
        var experiment = new StoreContract.Experiment(4);
        string Render(IResultStore store, string name)
        {
            Fill(store);
            var folder = Path.Combine(_folder, name);
            new ExperimentRunner(TextWriter.Null).RenderReports(store, [experiment], Budget.Smoke, folder);
            using var csv = new StringWriter();
            CsvExport.Write(store, experiment, csv);
            return File.ReadAllText(Path.Combine(folder, "Claims.md")) + "\n----\n" + File.ReadAllText(Path.Combine(folder, "index.md")) + "\n----\n" + csv;
        }

        string fromSqlite, fromPostgres;
        using (var sqlite = StoreFactory.Open(Path.Combine(_folder, "results.db"))) fromSqlite = Render(sqlite, "sqlite");
        using (var postgres = StoreFactory.Open(_database.ConnectionString)) fromPostgres = Render(postgres, "postgres");

        Assert.Contains("failed", fromSqlite);
        Assert.Equal(fromSqlite, fromPostgres);
    }
}
