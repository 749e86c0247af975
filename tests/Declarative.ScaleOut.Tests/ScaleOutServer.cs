using Npgsql;

namespace Declarative.ScaleOut.Tests;

/// <summary>
/// The PostgreSQL server of scripts/scaleout-up.sh ($DECLARATIVE_SCALEOUT_PG, else the env file it
/// writes) and a fresh database on it per test, dropped afterwards.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    private readonly string _admin;

    public TestDatabase()
    {
        _admin = AdminConnectionString();
        Name = "declarative_test_" + Guid.NewGuid().ToString("N")[..12];
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE {Name};", connection);
        command.ExecuteNonQuery();
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { Database = Name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    /// <summary>Rows of a query, on a connection of its own.</summary>
    public List<object[]> Query(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
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

    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(_admin);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE);", connection);
        command.ExecuteNonQuery();
    }

    public static string AdminConnectionString()
    {
        if (Environment.GetEnvironmentVariable("DECLARATIVE_SCALEOUT_PG") is { Length: > 0 } fromEnvironment) return fromEnvironment;
        var folder = Environment.GetEnvironmentVariable("DECLARATIVE_SCALEOUT_DIR") is { Length: > 0 } d ? d : "/tmp/declarative-scaleout";
        var env = Path.Combine(folder, "env");
        var line = File.Exists(env) ? File.ReadAllLines(env).FirstOrDefault(l => l.StartsWith("export DECLARATIVE_SCALEOUT_PG=", StringComparison.Ordinal)) : null;
        return line?.Split('=', 2)[1].Trim('\'') ?? throw new InvalidOperationException(
            "No PostgreSQL server for the scale-out tests: run scripts/scaleout-up.sh first (or set DECLARATIVE_SCALEOUT_PG to an Npgsql connection string of a server where databases may be created).");
    }
}
