using Npgsql;

namespace Declarative.Runtime.Store;

/// <summary>
/// Chooses the store from where it is: a PostgreSQL connection (a <c>postgres://</c> or
/// <c>postgresql://</c> URI, or an Npgsql connection string such as <c>Host=db;Database=sweeps</c>)
/// or else a SQLite file path. <c>--store</c> wins over <c>$DECLARATIVE_STORE</c>, which wins over
/// <c>artifacts/results.db</c>.
/// </summary>
public static class StoreFactory
{
    public const string EnvironmentVariable = "DECLARATIVE_STORE";

    public static string DefaultLocation =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : Path.Combine("artifacts", "results.db");

    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (location.Contains('=') && (location.Contains("host=", StringComparison.OrdinalIgnoreCase) || location.Contains("server=", StringComparison.OrdinalIgnoreCase)));

    public static IResultStore Open(string location) =>
        IsPostgres(location) ? new PostgresResultStore(ConnectionString(location)) : new SqliteResultStore(location);

    /// <summary>The location as every process (workers, array tasks) should be given it: SQLite paths made absolute.</summary>
    public static string Resolve(string location) => IsPostgres(location) ? location : Path.GetFullPath(location);

    /// <summary>The location to show a user: no password.</summary>
    public static string Describe(string location)
    {
        if (!IsPostgres(location)) return Path.GetFullPath(location);
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString(location));
        return $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>Fails with the fix when a command that only reads (report, export) is pointed at a store that does not exist.</summary>
    public static void EnsureExists(string location, string hint)
    {
        if (!IsPostgres(location) && !File.Exists(location))
            throw new StoreException($"No store at '{location}': {hint}");
    }

    /// <summary>
    /// An Npgsql connection string from a URI (<c>postgres://user:password@host:port/database?sslmode=require</c>;
    /// a <c>host=</c> query parameter names a unix-socket folder), or the string itself when it is one already.
    /// </summary>
    public static string ConnectionString(string location)
    {
        if (!location.Contains("://", StringComparison.Ordinal)) return location;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri))
            throw new StoreException($"'{location}' is not a PostgreSQL URI; write postgres://user@host:5432/database or an Npgsql connection string (Host=...;Database=...).");
        var builder = new NpgsqlConnectionStringBuilder();
        if (uri.Host.Length > 0) builder.Host = Uri.UnescapeDataString(uri.Host);
        if (uri.Port > 0) builder.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length > 1) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) builder.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "";
            builder[key.ToLowerInvariant() switch { "sslmode" => "SSL Mode", "user" => "Username", "dbname" => "Database", "connect_timeout" => "Timeout", _ => key }] = value;
        }
        return builder.ConnectionString;
    }
}
