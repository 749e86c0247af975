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
    public const int SchemaVersion = 3;

    /// <summary>Seconds since 1970 on the database's clock (one clock for every runner on the store).</summary>
    private const string Now = "((julianday('now') - 2440587.5) * 86400.0)";
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
            // Heartbeats write every second: checkpoint the write-ahead log often and truncate it after each checkpoint,
            // so it stays small (bounded by about 100 pages) instead of growing beside a small database.
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=100; PRAGMA journal_size_limit=524288;");
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
            throw new StoreException(SqliteFailure.Describe(e, Path), e);
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

        // BEGIN IMMEDIATE: two runners opening a new store at once migrate it one after the other.
        using var transaction = _connection.BeginTransaction();
        var version = Convert.ToInt32(Scalar("PRAGMA user_version;", transaction), CultureInfo.InvariantCulture);
        if (version == SchemaVersion) return;
        if (version < 1)
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
                """, transaction);
        // Version 2: claims. lease is the fencing token of the current attempt, runner the process
        // holding it, heartbeat (seconds since 1970, database clock) its last sign of life, and
        // progress_step/total_steps/loss what the live view shows.
        if (version < 2)
            Execute("""
            ALTER TABLE trials ADD COLUMN lease TEXT;
            ALTER TABLE trials ADD COLUMN runner TEXT;
            ALTER TABLE trials ADD COLUMN heartbeat REAL;
            ALTER TABLE trials ADD COLUMN progress_step INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE trials ADD COLUMN total_steps INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE trials ADD COLUMN loss REAL;
            CREATE INDEX IF NOT EXISTS trials_by_status ON trials(experiment, budget, status, ordinal);
            """, transaction);
        // Version 3: what produced each trial's results (Provenance, as JSON).
        Execute("""
            ALTER TABLE trials ADD COLUMN provenance TEXT;
            PRAGMA user_version = 3;
            """, transaction);
        transaction.Commit();
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
        foreach (var statement in LongMetricsView.Statements(ScalarColumns(transaction), Quote))
            Execute(statement + ";", transaction);
        transaction.Commit();
    }

    /// <summary>Every experiment's scalar metric columns, as its table has them.</summary>
    private List<(string, IReadOnlyList<string>)> ScalarColumns(SqliteTransaction transaction)
    {
        var experiments = new List<string>();
        using (var names = Command("SELECT name FROM experiments;"))
        {
            names.Transaction = transaction;
            using var reader = names.ExecuteReader();
            while (reader.Read()) experiments.Add(reader.GetString(0));
        }
        var result = new List<(string, IReadOnlyList<string>)>();
        foreach (var experiment in experiments)
        {
            var columns = new List<string>();
            using var info = Command($"PRAGMA table_info({MetricTable(experiment)});");
            info.Transaction = transaction;
            using var reader = info.ExecuteReader();
            while (reader.Read())
                if (reader.GetString(2).Equals("REAL", StringComparison.OrdinalIgnoreCase)) columns.Add(reader.GetString(1));
            if (columns.Count > 0) result.Add((experiment, columns));
        }
        return result;
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
            parameters.Value = StoreText.Parameters(trial.Parameters);
            ordinal.Value = i++;
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private const string TrialColumns = "id, experiment, budget, seed, parameters, status, attempts, steps, seconds, host, error, provenance";

    public IReadOnlyList<TrialRecord> Trials(string experiment)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE experiment = $experiment ORDER BY budget, ordinal, id;");
        command.Parameters.AddWithValue("$experiment", experiment);
        return ReadTrials(command);
    }

    public TrialRecord? Trial(string trialId)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE id = $id;");
        command.Parameters.AddWithValue("$id", trialId);
        return ReadTrials(command).SingleOrDefault();
    }

    private static List<TrialRecord> ReadTrials(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<TrialRecord>();
        while (reader.Read())
        {
            var pairs = StoreText.ParseParameters(reader.GetString(4));
            result.Add(new TrialRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), pairs,
                Enum.Parse<TrialStatus>(reader.GetString(5), ignoreCase: true), reader.GetInt32(6), reader.GetInt64(7),
                reader.GetDouble(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10))
            {
                Provenance = reader.IsDBNull(11) ? null : reader.GetString(11),
            });
        }
        return result;
    }

    public void MarkRunning(string trialId, string host)
    {
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, host = $host, error = NULL, lease = NULL, runner = NULL,
                heartbeat = {Now}, started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = $id;
            """);
        command.Parameters.AddWithValue("$id", trialId);
        command.Parameters.AddWithValue("$host", host);
        command.ExecuteNonQuery();
    }

    public TrialClaim? Claim(string experiment, Budget budget, string runner, string host, TimeSpan staleAfter, IReadOnlyCollection<string>? among = null)
    {
        if (among is { Count: 0 }) return null;
        var candidates = among is null ? "" : $"AND id IN ({string.Join(", ", among.Select((_, i) => "$among" + i))})";
        var lease = Guid.NewGuid().ToString("N");
        // BEGIN IMMEDIATE takes the write lock before the subquery reads, so the choice and the
        // update are one step for every other connection. (PostgreSQL: FOR UPDATE SKIP LOCKED in the subquery.)
        using var transaction = _connection.BeginTransaction();
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, lease = $lease, runner = $runner, host = $host,
                heartbeat = {Now}, error = CASE WHEN status = 'running' THEN 'previous attempt abandoned (stale heartbeat)' ELSE NULL END,
                progress_step = 0, total_steps = 0, loss = NULL,
                started_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), finished_at = NULL
            WHERE id = (
                SELECT id FROM trials
                WHERE experiment = $experiment AND budget = $budget {candidates}
                  AND (status = 'pending' OR (status = 'running' AND (heartbeat IS NULL OR heartbeat < {Now} - $stale)))
                ORDER BY ordinal, id LIMIT 1)
            RETURNING id, attempts;
            """);
        command.Transaction = transaction;
        command.Parameters.AddWithValue("$lease", lease);
        command.Parameters.AddWithValue("$runner", runner);
        command.Parameters.AddWithValue("$host", host);
        command.Parameters.AddWithValue("$experiment", experiment);
        command.Parameters.AddWithValue("$budget", budget.Name);
        command.Parameters.AddWithValue("$stale", staleAfter.TotalSeconds);
        var n = 0;
        foreach (var id in among ?? []) command.Parameters.AddWithValue("$among" + n++, id);
        TrialClaim? claim = null;
        using (var reader = command.ExecuteReader())
            if (reader.Read()) claim = new TrialClaim(reader.GetString(0), experiment, budget.Name, lease, reader.GetInt32(1));
        transaction.Commit();
        return claim;
    }

    public bool Heartbeat(TrialClaim claim, long step, long totalSteps, double? loss)
    {
        using var command = Command($"""
            UPDATE trials SET heartbeat = {Now}, progress_step = $step, total_steps = $total, loss = $loss
            WHERE id = $id AND lease = $lease AND status = 'running';
            """);
        command.Parameters.AddWithValue("$id", claim.TrialId);
        command.Parameters.AddWithValue("$lease", claim.Lease);
        command.Parameters.AddWithValue("$step", step);
        command.Parameters.AddWithValue("$total", totalSteps);
        command.Parameters.AddWithValue("$loss", loss is { } l && double.IsFinite(l) ? l : DBNull.Value);
        return command.ExecuteNonQuery() == 1;
    }

    public bool Release(string trialId, string lease, string reason)
    {
        using var command = Command("""
            UPDATE trials SET status = 'pending', lease = NULL, runner = NULL, heartbeat = NULL, error = $reason
            WHERE id = $id AND lease = $lease AND status = 'running';
            """);
        command.Parameters.AddWithValue("$id", trialId);
        command.Parameters.AddWithValue("$lease", lease);
        command.Parameters.AddWithValue("$reason", reason);
        return command.ExecuteNonQuery() == 1;
    }

    public bool RenameTrial(string experiment, string from, string to)
    {
        var table = MetricTable(experiment);
        using var transaction = _connection.BeginTransaction();
        using (var check = Command("SELECT (SELECT count(*) FROM trials WHERE id = $from AND experiment = $experiment), (SELECT status FROM trials WHERE id = $to);"))
        {
            check.Transaction = transaction;
            check.Parameters.AddWithValue("$from", from);
            check.Parameters.AddWithValue("$to", to);
            check.Parameters.AddWithValue("$experiment", experiment);
            using var reader = check.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) == 0 || (!reader.IsDBNull(1) && reader.GetString(1) != "pending")) return false;
        }
        using (var move = Command($"""
            DELETE FROM {table} WHERE trial_id = $to;
            DELETE FROM trials WHERE id = $to;
            UPDATE trials SET id = $to WHERE id = $from;
            UPDATE {table} SET trial_id = $to WHERE trial_id = $from;
            """))
        {
            move.Transaction = transaction;
            move.Parameters.AddWithValue("$from", from);
            move.Parameters.AddWithValue("$to", to);
            move.ExecuteNonQuery();
        }
        transaction.Commit();
        return true;
    }

    public int ResetFailed(string experiment, Budget budget)
    {
        using var command = Command("UPDATE trials SET status = 'pending', lease = NULL, runner = NULL WHERE experiment = $experiment AND budget = $budget AND status = 'failed';");
        command.Parameters.AddWithValue("$experiment", experiment);
        command.Parameters.AddWithValue("$budget", budget.Name);
        return command.ExecuteNonQuery();
    }

    public IReadOnlyList<RunningTrial> Running(string experiment, Budget budget)
    {
        using var command = Command($"""
            SELECT id, experiment, lease, runner, host, {Now} - coalesce(heartbeat, 0),
                   (julianday('now') - julianday(started_at)) * 86400.0, progress_step, total_steps, loss
            FROM trials WHERE experiment = $experiment AND budget = $budget AND status = 'running' ORDER BY ordinal, id;
            """);
        command.Parameters.AddWithValue("$experiment", experiment);
        command.Parameters.AddWithValue("$budget", budget.Name);
        using var reader = command.ExecuteReader();
        var result = new List<RunningTrial>();
        while (reader.Read())
            result.Add(new RunningTrial(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.GetDouble(5), reader.IsDBNull(6) ? 0 : reader.GetDouble(6), reader.GetInt64(7), reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetDouble(9)));
        return result;
    }

    public void Complete(string experiment, MetricSchema schema, string trialId, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds) =>
        CompleteCore(experiment, schema, trialId, null, outcome, rows, seconds);

    public bool Complete(string experiment, MetricSchema schema, TrialClaim claim, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds) =>
        CompleteCore(experiment, schema, claim.TrialId, claim.Lease, outcome, rows, seconds);

    /// <summary>
    /// The status update goes first: when a lease is given and no longer holds the trial, nothing
    /// else is written and the transaction is rolled back, so a superseded attempt leaves no rows.
    /// </summary>
    private bool CompleteCore(string experiment, MetricSchema schema, string trialId, string? lease, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds)
    {
        var table = MetricTable(experiment);
        using var transaction = _connection.BeginTransaction();
        using (var update = Command($"""
            UPDATE trials SET status = $status, steps = $steps, seconds = $seconds, error = $error, progress_step = $steps, provenance = $provenance,
                heartbeat = {Now}, finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE id = $id {(lease is null ? "" : "AND lease = $lease AND status = 'running'")};
            """))
        {
            update.Transaction = transaction;
            update.Parameters.AddWithValue("$id", trialId);
            if (lease is not null) update.Parameters.AddWithValue("$lease", lease);
            update.Parameters.AddWithValue("$status", outcome.Status.ToString().ToLowerInvariant());
            update.Parameters.AddWithValue("$steps", outcome.Steps);
            update.Parameters.AddWithValue("$seconds", seconds);
            update.Parameters.AddWithValue("$error", (object?)outcome.Message ?? DBNull.Value);
            update.Parameters.AddWithValue("$provenance", (object?)outcome.Provenance ?? DBNull.Value);
            if (update.ExecuteNonQuery() != 1)
            {
                transaction.Rollback();
                return false;
            }
        }

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
                        ? row.GetVector(i) is { } vector ? StoreText.Vector(vector) : DBNull.Value
                        : row.GetValue(i) is { } v && double.IsFinite(v) ? v : DBNull.Value;
                insert.ExecuteNonQuery();
            }
        }
        transaction.Commit();
        return true;
    }

    public void Fail(string trialId, string error, double seconds) => FailCore(trialId, null, error, seconds);

    public bool Fail(TrialClaim claim, string error, double seconds) => FailCore(claim.TrialId, claim.Lease, error, seconds);

    private bool FailCore(string trialId, string? lease, string error, double seconds)
    {
        using var command = Command($"""
            UPDATE trials SET status = 'failed', error = $error, seconds = $seconds, heartbeat = {Now},
                finished_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
            WHERE id = $id {(lease is null ? "" : "AND lease = $lease AND status = 'running'")};
            """);
        command.Parameters.AddWithValue("$id", trialId);
        if (lease is not null) command.Parameters.AddWithValue("$lease", lease);
        command.Parameters.AddWithValue("$error", error);
        command.Parameters.AddWithValue("$seconds", seconds);
        return command.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema)
    {
        var table = MetricTable(experiment);
        if (Scalar($"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{table.Trim('"')}';") is 0L)
            return [];
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        using var command = Command($"SELECT trial_id, step, epoch{names} FROM {table} ORDER BY trial_id, step;");
        using var reader = command.ExecuteReader();
        return StoreRows.Read(reader, schema);
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

    private object? Scalar(string sql, SqliteTransaction? transaction = null)
    {
        using var command = Command(sql);
        command.Transaction = transaction;
        return command.ExecuteScalar();
    }
}
