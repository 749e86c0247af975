using System.Data;
using System.Data.Common;
using System.Text.Json;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// The one SQL store: every statement of <see cref="IResultStore"/> over an ADO.NET connection, the same for every
/// database. A database adds only its dialect (<see cref="SqliteResultStore"/>, <see cref="PostgresResultStore"/>):
/// how to open and migrate it, its clock and timestamp expressions, its column types, how a claim skips rows another
/// claimant holds, how it finds a table's columns and how it writes many rows at once.
/// </summary>
/// <remarks>
/// Tables: <c>experiments</c>; <c>trials</c> (status, attempts, lease, runner, heartbeat, progress, timings, host,
/// error, provenance); one <c>metrics_&lt;Experiment&gt;</c> table per experiment whose columns are its instruments
/// (vector columns as JSON); the view <c>long_metrics</c> (<see cref="LongMetricsView"/>). Parameters are written
/// <c>@name</c>, which both providers accept.
/// </remarks>
public abstract class SqlResultStore : IResultStore
{
    /// <summary>The schema version this build writes (SQLite: <c>PRAGMA user_version</c>; PostgreSQL: <c>declarative_schema</c>).</summary>
    public const int SchemaVersion = 4;

    private const string TrialColumns = "id, experiment, budget, seed, parameters, status, attempts, steps, seconds, host, error, provenance, epochs, reached_target";

    /// <summary>The open connection the dialect created.</summary>
    protected DbConnection Connection { get; private set; } = null!;

    /// <summary>Takes the connection the dialect opened (and migrated).</summary>
    protected void Use(DbConnection connection) => Connection = connection;

    /// <summary>Seconds since 1970 on the database's clock (one clock for every runner on the store).</summary>
    protected abstract string Now { get; }

    /// <summary>The database's current time as ISO 8601 text (UTC, milliseconds).</summary>
    protected abstract string Timestamp { get; }

    /// <summary>Seconds since the text column <c>started_at</c>.</summary>
    protected abstract string SecondsSinceStart { get; }

    /// <summary>A collation that orders text by bytes (so both databases list trials alike), with its leading space; empty when it is the default.</summary>
    protected abstract string ByteOrder { get; }

    /// <summary>What a claim's candidate subquery appends so that a row another claimant is taking is skipped, not waited for; empty where the claim holds the write lock.</summary>
    protected abstract string SkipLocked { get; }

    /// <summary>The SQL type of a metric column (a number, or a vector as JSON text).</summary>
    protected abstract string SqlType(MetricColumn column);

    /// <summary>The condition that limits a claim to <paramref name="among"/> (bound by <see cref="BindAmong"/>).</summary>
    protected abstract string AmongCondition(IReadOnlyCollection<string> among);

    protected abstract void BindAmong(DbCommand command, IReadOnlyCollection<string> among);

    /// <summary>Serialises schema changes of concurrent runners inside <paramref name="transaction"/> (a no-op where the transaction holds the write lock).</summary>
    protected abstract void LockSchema(DbTransaction transaction);

    /// <summary>The columns of <paramref name="table"/> (unquoted name) and whether each holds a number; empty when it does not exist.</summary>
    protected abstract IReadOnlyList<(string Name, bool IsNumber)> ColumnsOf(string table, DbTransaction? transaction);

    /// <summary>Writes a trial's metric rows in <paramref name="transaction"/>; a step written twice keeps its last row.</summary>
    protected abstract void InsertRows(string table, MetricSchema schema, string trialId, IReadOnlyList<IMetricRow> rows, DbTransaction transaction);

    public void EnsureExperiment(IExperimentDefinition experiment)
    {
        using var transaction = Connection.BeginTransaction();
        LockSchema(transaction);
        using (var command = Command("""
            INSERT INTO experiments(name, summary, declaration, axes, columns) VALUES (@name, @summary, @declaration, @axes, @columns)
            ON CONFLICT(name) DO UPDATE SET summary = excluded.summary, declaration = excluded.declaration, axes = excluded.axes, columns = excluded.columns;
            """, transaction))
        {
            Bind(command, "name", experiment.Name);
            Bind(command, "summary", experiment.Summary);
            Bind(command, "declaration", experiment.Declaration);
            Bind(command, "axes", JsonSerializer.Serialize(experiment.Axes));
            Bind(command, "columns", JsonSerializer.Serialize(experiment.Schema.Columns.Select(c => c.Name)));
            command.ExecuteNonQuery();
        }

        var table = MetricTable(experiment.Name);
        var columns = string.Concat(experiment.Schema.Columns.Select(c => $", {Quote(c.Name)} {SqlType(c)}"));
        Execute($"CREATE TABLE IF NOT EXISTS {table} (trial_id text NOT NULL, step bigint NOT NULL, epoch integer NOT NULL{columns}, PRIMARY KEY(trial_id, step));", transaction);
        var existing = ColumnsOf("metrics_" + experiment.Name, transaction).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var column in experiment.Schema.Columns.Where(c => !existing.Contains(c.Name)))
            Execute($"ALTER TABLE {table} ADD COLUMN {Quote(column.Name)} {SqlType(column)};", transaction);

        var scalars = Experiments(transaction)
            .Select(e => (e, (IReadOnlyList<string>)ColumnsOf("metrics_" + e, transaction).Where(c => c.IsNumber && c.Name is not ("step" or "epoch")).Select(c => c.Name).ToArray()))
            .Where(t => t.Item2.Count > 0);
        foreach (var statement in LongMetricsView.Statements(scalars, Quote))
            Execute(statement + ";", transaction);
        transaction.Commit();
    }

    public void AddTrials(string experiment, Budget budget, IEnumerable<ITrial> trials)
    {
        using var transaction = Connection.BeginTransaction();
        using var command = Command("""
            INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status)
            VALUES (@id, @experiment, @budget, @seed, @parameters, @ordinal, 'pending')
            ON CONFLICT(id) DO UPDATE SET ordinal = excluded.ordinal;
            """, transaction);
        var id = Bind(command, "id", "", DbType.String);
        Bind(command, "experiment", experiment);
        Bind(command, "budget", budget.Name);
        var seed = Bind(command, "seed", 0, DbType.Int32);
        var parameters = Bind(command, "parameters", "", DbType.String);
        var ordinal = Bind(command, "ordinal", 0, DbType.Int32);
        command.Prepare();
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

    public IReadOnlyList<TrialRecord> Trials(string experiment)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE experiment = @experiment ORDER BY budget{ByteOrder}, ordinal, id{ByteOrder};");
        Bind(command, "experiment", experiment);
        return ReadTrials(command);
    }

    public TrialRecord? Trial(string trialId)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE id = @id;");
        Bind(command, "id", trialId);
        return ReadTrials(command).SingleOrDefault();
    }

    private static List<TrialRecord> ReadTrials(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var result = new List<TrialRecord>();
        while (reader.Read())
            result.Add(new TrialRecord(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), StoreText.ParseParameters(reader.GetString(4)),
                Enum.Parse<TrialStatus>(reader.GetString(5), ignoreCase: true), reader.GetInt32(6), reader.GetInt64(7),
                reader.GetDouble(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10))
            {
                Provenance = reader.IsDBNull(11) ? null : reader.GetString(11),
                Epochs = reader.IsDBNull(12) ? null : reader.GetInt32(12),
                ReachedTarget = reader.IsDBNull(13) ? null : reader.GetBoolean(13),
            });
        return result;
    }

    public void MarkRunning(string trialId, string host)
    {
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, host = @host, error = NULL, lease = NULL, runner = NULL,
                heartbeat = {Now}, started_at = {Timestamp} WHERE id = @id;
            """);
        Bind(command, "id", trialId);
        Bind(command, "host", host);
        command.ExecuteNonQuery();
    }

    public TrialClaim? Claim(string experiment, Budget budget, string runner, string host, TimeSpan staleAfter, IReadOnlyCollection<string>? among = null)
    {
        if (among is { Count: 0 }) return null;
        var lease = Guid.NewGuid().ToString("N");
        // The choice and the update are one step for every other connection: SQLite's transaction holds the write lock
        // before the subquery reads; PostgreSQL's subquery skips rows another claimant has locked (SKIP LOCKED) and
        // re-checks a row it committed against the WHERE clause before locking it here.
        using var transaction = Connection.BeginTransaction();
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, lease = @lease, runner = @runner, host = @host,
                heartbeat = {Now}, error = CASE WHEN status = 'running' THEN 'previous attempt abandoned (stale heartbeat)' ELSE NULL END,
                progress_step = 0, total_steps = 0, loss = NULL,
                started_at = {Timestamp}, finished_at = NULL
            WHERE id = (
                SELECT id FROM trials
                WHERE experiment = @experiment AND budget = @budget {(among is null ? "" : "AND " + AmongCondition(among))}
                  AND (status = 'pending' OR (status = 'running' AND (heartbeat IS NULL OR heartbeat < {Now} - @stale)))
                ORDER BY ordinal, id{ByteOrder} LIMIT 1 {SkipLocked})
            RETURNING id, attempts;
            """, transaction);
        Bind(command, "lease", lease);
        Bind(command, "runner", runner);
        Bind(command, "host", host);
        Bind(command, "experiment", experiment);
        Bind(command, "budget", budget.Name);
        Bind(command, "stale", staleAfter.TotalSeconds, DbType.Double);
        if (among is not null) BindAmong(command, among);
        TrialClaim? claim = null;
        using (var reader = command.ExecuteReader())
            if (reader.Read()) claim = new TrialClaim(reader.GetString(0), experiment, budget.Name, lease, reader.GetInt32(1));
        transaction.Commit();
        return claim;
    }

    public bool Heartbeat(TrialClaim claim, long step, long totalSteps, double? loss)
    {
        using var command = Command($"""
            UPDATE trials SET heartbeat = {Now}, progress_step = @step, total_steps = @total, loss = @loss
            WHERE id = @id AND lease = @lease AND status = 'running';
            """);
        Bind(command, "id", claim.TrialId);
        Bind(command, "lease", claim.Lease);
        Bind(command, "step", step, DbType.Int64);
        Bind(command, "total", totalSteps, DbType.Int64);
        Bind(command, "loss", loss is { } l && double.IsFinite(l) ? l : null, DbType.Double);
        return command.ExecuteNonQuery() == 1;
    }

    public bool Release(string trialId, string lease, string reason)
    {
        using var command = Command("""
            UPDATE trials SET status = 'pending', lease = NULL, runner = NULL, heartbeat = NULL, error = @reason
            WHERE id = @id AND lease = @lease AND status = 'running';
            """);
        Bind(command, "id", trialId);
        Bind(command, "lease", lease);
        Bind(command, "reason", reason);
        return command.ExecuteNonQuery() == 1;
    }

    public bool RenameTrial(string experiment, string from, string to)
    {
        var table = MetricTable(experiment);
        using var transaction = Connection.BeginTransaction();
        using (var check = Command("SELECT (SELECT count(*) FROM trials WHERE id = @from AND experiment = @experiment), (SELECT status FROM trials WHERE id = @to);", transaction))
        {
            Bind(check, "from", from);
            Bind(check, "to", to);
            Bind(check, "experiment", experiment);
            using var reader = check.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) == 0 || (!reader.IsDBNull(1) && reader.GetString(1) != "pending")) return false;
        }
        using (var move = Command($"""
            DELETE FROM {table} WHERE trial_id = @to;
            DELETE FROM trials WHERE id = @to AND status = 'pending';
            UPDATE trials SET id = @to WHERE id = @from;
            UPDATE {table} SET trial_id = @to WHERE trial_id = @from;
            """, transaction))
        {
            Bind(move, "from", from);
            Bind(move, "to", to);
            move.ExecuteNonQuery();
        }
        transaction.Commit();
        return true;
    }

    public int ResetFailed(string experiment, Budget budget)
    {
        using var command = Command("UPDATE trials SET status = 'pending', lease = NULL, runner = NULL WHERE experiment = @experiment AND budget = @budget AND status = 'failed';");
        Bind(command, "experiment", experiment);
        Bind(command, "budget", budget.Name);
        return command.ExecuteNonQuery();
    }

    public IReadOnlyList<RunningTrial> Running(string experiment, Budget budget)
    {
        using var command = Command($"""
            SELECT id, experiment, lease, runner, host, {Now} - coalesce(heartbeat, 0), {SecondsSinceStart}, progress_step, total_steps, loss
            FROM trials WHERE experiment = @experiment AND budget = @budget AND status = 'running' ORDER BY ordinal, id{ByteOrder};
            """);
        Bind(command, "experiment", experiment);
        Bind(command, "budget", budget.Name);
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
        using var transaction = Connection.BeginTransaction();
        using (var update = Command($"""
            UPDATE trials SET status = @status, steps = @steps, seconds = @seconds, error = @error, progress_step = @steps, provenance = @provenance,
                epochs = @epochs, reached_target = @reached, heartbeat = {Now}, finished_at = {Timestamp}
            WHERE id = @id {(lease is null ? "" : "AND lease = @lease AND status = 'running'")};
            """, transaction))
        {
            Bind(update, "id", trialId);
            if (lease is not null) Bind(update, "lease", lease);
            Bind(update, "status", outcome.Status.ToString().ToLowerInvariant());
            Bind(update, "steps", outcome.Steps, DbType.Int64);
            Bind(update, "seconds", seconds, DbType.Double);
            Bind(update, "error", outcome.Message);
            Bind(update, "provenance", outcome.Provenance);
            Bind(update, "epochs", outcome.Epochs > 0 ? outcome.Epochs : null, DbType.Int32);
            Bind(update, "reached", outcome.ReachedTarget, DbType.Boolean);
            if (update.ExecuteNonQuery() != 1)
            {
                transaction.Rollback();
                return false;
            }
        }

        using (var delete = Command($"DELETE FROM {table} WHERE trial_id = @id;", transaction))
        {
            Bind(delete, "id", trialId);
            delete.ExecuteNonQuery();
        }
        InsertRows(table, schema, trialId, rows, transaction);
        transaction.Commit();
        return true;
    }

    public void Fail(string trialId, string error, double seconds) => FailCore(trialId, null, error, seconds);

    public bool Fail(TrialClaim claim, string error, double seconds) => FailCore(claim.TrialId, claim.Lease, error, seconds);

    private bool FailCore(string trialId, string? lease, string error, double seconds)
    {
        using var command = Command($"""
            UPDATE trials SET status = 'failed', error = @error, seconds = @seconds, heartbeat = {Now}, finished_at = {Timestamp}
            WHERE id = @id {(lease is null ? "" : "AND lease = @lease AND status = 'running'")};
            """);
        Bind(command, "id", trialId);
        if (lease is not null) Bind(command, "lease", lease);
        Bind(command, "error", error);
        Bind(command, "seconds", seconds, DbType.Double);
        return command.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema)
    {
        if (ColumnsOf("metrics_" + experiment, null).Count == 0) return [];
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        using var command = Command($"SELECT trial_id, step, epoch{names} FROM {MetricTable(experiment)} ORDER BY trial_id{ByteOrder}, step;");
        using var reader = command.ExecuteReader();
        return StoreRows.Read(reader, schema);
    }

    public IReadOnlyList<string> Experiments() => Experiments(null);

    private List<string> Experiments(DbTransaction? transaction)
    {
        using var command = Command($"SELECT name FROM experiments ORDER BY name{ByteOrder};", transaction);
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }

    public void Dispose()
    {
        Connection?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>The quoted name of an experiment's metric table.</summary>
    protected static string MetricTable(string experiment) => Quote("metrics_" + experiment);

    protected static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    protected DbCommand Command(string sql, DbTransaction? transaction = null)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds parameter <c>@name</c>; null is SQL NULL of <paramref name="type"/>.</summary>
    protected static DbParameter Bind(DbCommand command, string name, object? value, DbType type = DbType.String)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    protected void Execute(string sql, DbTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    protected object? Scalar(string sql, DbTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        return command.ExecuteScalar();
    }
}
