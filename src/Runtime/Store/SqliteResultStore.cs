using System.Globalization;
using System.Text.Json;
using Declarative.Runtime.Experiments;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Tables: <c>experiments</c>, <c>trials</c>, and
/// one metric table per experiment (<c>metrics_{name}</c>) whose columns are the experiment's
/// instruments, one row per trial and metric sample.
/// </summary>
public sealed class SqliteResultStore : IResultStore
{
    public const int SchemaVersion = 1;
    private readonly SqliteConnection _connection;

    public SqliteResultStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var folder = System.IO.Path.GetDirectoryName(Path)!;
        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"Cannot create the store's folder '{folder}': {e.Message}. Choose a writable location with --store.", e);
        }

        try
        {
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
            _connection.Open();
            Execute("PRAGMA busy_timeout=10000;");
            CheckVersion();
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
            Migrate();
        }
        catch (StoreException)
        {
            _connection?.Dispose();
            throw;
        }
        catch (SqliteException e)
        {
            _connection?.Dispose();
            throw new StoreException($"Cannot open the store '{Path}': {e.Message}. If the file is corrupt, move it aside (it is not deleted) and run again.", e);
        }
    }

    public string Path { get; }

    private int Version() => Convert.ToInt32(Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);

    /// <summary>Refuses a newer schema before anything is written to the file.</summary>
    private void CheckVersion()
    {
        var version = Version();
        if (version > SchemaVersion)
            throw new StoreException($"The store '{Path}' has schema version {version}, newer than this build's {SchemaVersion}. Use a newer Declarative or another --store; the file was left as it is.");
    }

    private void Migrate()
    {
        if (Version() == SchemaVersion) return;

        Execute("""
            CREATE TABLE IF NOT EXISTS experiments (
                name TEXT PRIMARY KEY,
                summary TEXT NOT NULL,
                declaration TEXT NOT NULL,
                axes TEXT NOT NULL,
                columns TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS trials (
                id TEXT PRIMARY KEY,
                experiment TEXT NOT NULL,
                budget TEXT NOT NULL,
                seed INTEGER NOT NULL,
                parameters TEXT NOT NULL,
                ordinal INTEGER NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                steps INTEGER NOT NULL DEFAULT 0,
                seconds REAL NOT NULL DEFAULT 0,
                host TEXT,
                error TEXT,
                started_at TEXT,
                finished_at TEXT);
            CREATE INDEX IF NOT EXISTS trials_by_experiment ON trials(experiment, ordinal);
            PRAGMA user_version = 1;
            """);
    }

    public void EnsureExperiment(IExperimentDefinition experiment)
    {
        using var transaction = _connection.BeginTransaction();
        using (var command = Command("""
            INSERT INTO experiments(name, summary, declaration, axes, columns) VALUES ($name, $summary, $declaration, $axes, $columns)
            ON CONFLICT(name) DO UPDATE SET summary = excluded.summary, declaration = excluded.declaration, axes = excluded.axes, columns = excluded.columns;
            """))
        {
            command.Transaction = transaction;
            command.Parameters.AddWithValue("$name", experiment.Name);
            command.Parameters.AddWithValue("$summary", experiment.Summary);
            command.Parameters.AddWithValue("$declaration", experiment.Declaration);
            command.Parameters.AddWithValue("$axes", JsonSerializer.Serialize(experiment.Axes));
            command.Parameters.AddWithValue("$columns", JsonSerializer.Serialize(experiment.Schema.Columns.Select(c => c.Name)));
            command.ExecuteNonQuery();
        }

        var table = MetricTable(experiment.Name);
        var columns = string.Concat(experiment.Schema.Columns.Select(c => $", {Quote(c.Name)} {SqlType(c)}"));
        Execute($"CREATE TABLE IF NOT EXISTS {table} (trial_id TEXT NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL{columns}, PRIMARY KEY(trial_id, step));", transaction);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var info = Command($"PRAGMA table_info({table});"))
        {
            info.Transaction = transaction;
            using var reader = info.ExecuteReader();
            while (reader.Read()) existing.Add(reader.GetString(1));
        }
        foreach (var column in experiment.Schema.Columns.Where(c => !existing.Contains(c.Name)))
            Execute($"ALTER TABLE {table} ADD COLUMN {Quote(column.Name)} {SqlType(column)};", transaction);
        transaction.Commit();
    }

    public void AddTrials(string experiment, Budget budget, IEnumerable<ITrial> trials)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("""
            INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status)
            VALUES ($id, $experiment, $budget, $seed, $parameters, $ordinal, 'pending')
            ON CONFLICT(id) DO UPDATE SET ordinal = excluded.ordinal;
            """);
        command.Transaction = transaction;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        command.Parameters.AddWithValue("$experiment", experiment);
        command.Parameters.AddWithValue("$budget", budget.Name);
        var seed = command.Parameters.Add("$seed", SqliteType.Integer);
        var parameters = command.Parameters.Add("$parameters", SqliteType.Text);
        var ordinal = command.Parameters.Add("$ordinal", SqliteType.Integer);
        var i = 0;
        foreach (var trial in trials)
        {
            id.Value = trial.Id;
            seed.Value = trial.Seed;
            parameters.Value = JsonSerializer.Serialize(trial.Parameters.Select(p => new[] { p.Key, p.Value }));
            ordinal.Value = i++;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public IReadOnlyList<TrialRecord> Trials(string experiment)
    {
        using var command = Command("""
            SELECT id, experiment, budget, seed, parameters, status, attempts, steps, seconds, host, error
            FROM trials WHERE experiment = $experiment ORDER BY budget, ordinal, id;
            """);
        command.Parameters.AddWithValue("$experiment", experiment);
        using var reader = command.ExecuteReader();
        var result = new List<TrialRecord>();
        while (reader.Read())
        {
            var pairs = JsonSerializer.Deserialize<string[][]>(reader.GetString(4))!
                .Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToArray();
            result.Add(new TrialRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), pairs,
                Enum.Parse<TrialStatus>(reader.GetString(5), ignoreCase: true), reader.GetInt32(6), reader.GetInt64(7),
                reader.GetDouble(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }
        return result;
    }

    public void MarkRunning(string trialId, string host)
    {
        using var command = Command("""
            UPDATE trials SET status = 'running', attempts = attempts + 1, host = $host, error = NULL,
                started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $id;
            """);
        command.Parameters.AddWithValue("$id", trialId);
        command.Parameters.AddWithValue("$host", host);
        command.ExecuteNonQuery();
    }

    public void Complete(string experiment, MetricSchema schema, string trialId, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds)
    {
        var table = MetricTable(experiment);
        using var transaction = _connection.BeginTransaction();
        using (var delete = Command($"DELETE FROM {table} WHERE trial_id = $id;"))
        {
            delete.Transaction = transaction;
            delete.Parameters.AddWithValue("$id", trialId);
            delete.ExecuteNonQuery();
        }

        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        var values = string.Concat(schema.Columns.Select((_, i) => $", $c{i}"));
        using (var insert = Command($"INSERT OR REPLACE INTO {table}(trial_id, step, epoch{names}) VALUES ($id, $step, $epoch{values});"))
        {
            insert.Transaction = transaction;
            insert.Parameters.AddWithValue("$id", trialId);
            var step = insert.Parameters.Add("$step", SqliteType.Integer);
            var epoch = insert.Parameters.Add("$epoch", SqliteType.Integer);
            var cells = schema.Columns.Select((c, i) => insert.Parameters.Add($"$c{i}", c.IsVector ? SqliteType.Text : SqliteType.Real)).ToArray();
            foreach (var row in rows)
            {
                step.Value = row.Step;
                epoch.Value = row.Epoch;
                for (var i = 0; i < cells.Length; i++)
                    cells[i].Value = schema.Columns[i].IsVector
                        ? row.GetVector(i) is { } vector ? JsonSerializer.Serialize(vector.Select(x => double.IsFinite(x) ? x : (double?)null)) : DBNull.Value
                        : row.GetValue(i) is { } v && double.IsFinite(v) ? v : DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }

        using (var update = Command("""
            UPDATE trials SET status = $status, steps = $steps, seconds = $seconds, error = $error,
                finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $id;
            """))
        {
            update.Transaction = transaction;
            update.Parameters.AddWithValue("$id", trialId);
            update.Parameters.AddWithValue("$status", outcome.Status.ToString().ToLowerInvariant());
            update.Parameters.AddWithValue("$steps", outcome.Steps);
            update.Parameters.AddWithValue("$seconds", seconds);
            update.Parameters.AddWithValue("$error", (object?)outcome.Message ?? DBNull.Value);
            update.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public void Fail(string trialId, string error, double seconds)
    {
        using var command = Command("""
            UPDATE trials SET status = 'failed', error = $error, seconds = $seconds,
                finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $id;
            """);
        command.Parameters.AddWithValue("$id", trialId);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$seconds", seconds);
        command.ExecuteNonQuery();
    }

    public IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema)
    {
        var table = MetricTable(experiment);
        if (Scalar($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table.Trim('"')}';") is 0L)
            return [];
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        using var command = Command($"SELECT trial_id, step, epoch{names} FROM {table} ORDER BY trial_id, step;");
        using var reader = command.ExecuteReader();
        var result = new List<MetricSample>();
        while (reader.Read())
        {
            var values = new double?[schema.Columns.Count];
            double[]?[]? vectors = null;
            for (var i = 0; i < values.Length; i++)
            {
                if (reader.IsDBNull(3 + i)) continue;
                if (schema.Columns[i].IsVector)
                {
                    vectors ??= new double[]?[values.Length];
                    vectors[i] = JsonSerializer.Deserialize<double?[]>(reader.GetString(3 + i))!.Select(x => x ?? double.NaN).ToArray();
                }
                else values[i] = reader.GetDouble(3 + i);
            }
            result.Add(new MetricSample(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2), values, vectors));
        }
        return result;
    }

    public IReadOnlyList<string> Experiments()
    {
        using var command = Command("SELECT name FROM experiments ORDER BY name;");
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }

    public void Dispose() => _connection.Dispose();

    private static string SqlType(MetricColumn column) => column.IsVector ? "TEXT" : "REAL";

    private static string MetricTable(string experiment) => Quote("metrics_" + experiment);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private SqliteCommand Command(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private void Execute(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(sql);
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = Command(sql);
        return command.ExecuteScalar();
    }
}
