using Microsoft.Data.Sqlite;

namespace Declarative.EndToEnd.Tests;

/// <summary>A temporary folder with a store, a reports folder and the fakes' trial log; deleted afterwards.</summary>
public sealed class Sandbox : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("declarative-e2e-").FullName;
    public string Store => Path.Combine(Folder, "results.db");
    public string Reports => Path.Combine(Folder, "reports");
    public string TrialLog => Path.Combine(Folder, "trials.log");

    public Dictionary<string, string> Environment(int trials = 6, int steps = 8, int stepMs = 50) => new()
    {
        ["DECLARATIVE_FAKE_LOG"] = TrialLog,
        ["DECLARATIVE_FAKE_TRIALS"] = trials.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DECLARATIVE_FAKE_STEPS"] = steps.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["DECLARATIVE_FAKE_STEP_MS"] = stepMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public string[] RunArgs(string experiment, params string[] extra) =>
        ["run", "--filter", experiment, "--store", Store, "--reports", Reports, "--progress", "plain", "--device", "cpu", .. extra];

    public IReadOnlyList<string[]> LogLines() =>
        File.Exists(TrialLog) ? File.ReadAllLines(TrialLog).Select(l => l.Split(' ')).ToArray() : [];

    /// <summary>Rows of a query on the store, read with a connection of its own.</summary>
    public List<object[]> Query(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Store};Mode=ReadOnly;Pooling=False");
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

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
