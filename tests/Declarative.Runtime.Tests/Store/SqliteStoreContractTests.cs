using Declarative.Runtime.Store;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Tests.Store;

/// <summary>The store contract on a real SQLite file.</summary>
public sealed class SqliteStoreContractTests : StoreContract, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-contract-").FullName;

    private string Path => System.IO.Path.Combine(_folder, "results.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    protected override IResultStore NewStore() => new SqliteResultStore(Path);

    protected override IReadOnlyList<object[]> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }
}
