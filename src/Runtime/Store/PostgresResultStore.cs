using System.Text.Json;
using Declarative.Runtime.Experiments;
using Npgsql;
using NpgsqlTypes;

namespace Declarative.Runtime.Store;

/// <summary>
/// The server store: the same tables, statuses, leases and heartbeats as <see cref="SqliteResultStore"/>
/// in a PostgreSQL database, so runners on many nodes share one sweep. A claim is one
/// <c>UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING</c>: concurrent claimants skip
/// rows another transaction is taking instead of waiting for it. Times are seconds since 1970 on the
/// server's clock (<c>clock_timestamp()</c>), one clock for every node.
/// </summary>
public sealed class PostgresResultStore : IResultStore
{
    /// <summary>The same schema version as the SQLite store: both describe the same tables and rules.</summary>
    public const int SchemaVersion = SqliteResultStore.SchemaVersion;

    /// <summary>Serialises schema changes of concurrent runners (pg_advisory_xact_lock key, "DCLR").</summary>
    private const long SchemaLock = 0x44434C52;

    private const string Now = "extract(epoch from clock_timestamp())::double precision";
    private const string Timestamp = "to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
    private readonly NpgsqlConnection _connection;

    public PostgresResultStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // What the runner prints and passes to its workers; never the password.
        Description = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        try
        {
            _connection = new NpgsqlConnection(connectionString);
            _connection.Open();
            CheckVersion();
            Migrate();
        }
        catch (StoreException)
        {
            _connection?.Dispose();
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            _connection?.Dispose();
            throw new StoreException($"Cannot open the PostgreSQL store {Description}: {e.Message}. Check that the server runs and accepts this connection (--store or ${StoreFactory.EnvironmentVariable}).", e);
        }
    }

    public string Description { get; }

    private int Version()
    {
        if (Scalar("SELECT to_regclass('declarative_schema') IS NOT NULL;") is not true) return 0;
        return Scalar("SELECT coalesce(max(version), 0) FROM declarative_schema;") is int v ? v : 0;
    }

    private void CheckVersion()
    {
        var version = Version();
        if (version > SchemaVersion)
            throw new StoreException($"The store {Description} has schema version {version}, newer than this build's {SchemaVersion}. Use a newer Declarative or another --store; the database was left as it is.");
    }

    private void Migrate()
    {
        if (Version() == SchemaVersion) return;
        using var transaction = _connection.BeginTransaction();
        Execute($"SELECT pg_advisory_xact_lock({SchemaLock});", transaction);
        var version = Version();
        if (version > SchemaVersion)
            throw new StoreException($"The store {Description} has schema version {version}, newer than this build's {SchemaVersion}. Use a newer Declarative or another --store; the database was left as it is.");
        if (version == SchemaVersion) return;
        // A server store starts at version 2: the SQLite history (version 1 had no claims) never existed here.
        if (version < 2)
            Execute("""
            CREATE TABLE IF NOT EXISTS declarative_schema (version integer NOT NULL);
            CREATE TABLE IF NOT EXISTS experiments (
                name text PRIMARY KEY,
                summary text NOT NULL,
                declaration text NOT NULL,
                axes text NOT NULL,
                columns text NOT NULL);
            CREATE TABLE IF NOT EXISTS trials (
                id text PRIMARY KEY,
                experiment text NOT NULL,
                budget text NOT NULL,
                seed integer NOT NULL,
                parameters text NOT NULL,
                ordinal integer NOT NULL,
                status text NOT NULL,
                attempts integer NOT NULL DEFAULT 0,
                steps bigint NOT NULL DEFAULT 0,
                seconds double precision NOT NULL DEFAULT 0,
                host text,
                error text,
                started_at text,
                finished_at text,
                lease text,
                runner text,
                heartbeat double precision,
                progress_step bigint NOT NULL DEFAULT 0,
                total_steps bigint NOT NULL DEFAULT 0,
                loss double precision);
            CREATE INDEX IF NOT EXISTS trials_by_experiment ON trials(experiment, ordinal);
            CREATE INDEX IF NOT EXISTS trials_by_status ON trials(experiment, budget, status, ordinal);
            DELETE FROM declarative_schema;
            INSERT INTO declarative_schema(version) VALUES (2);
            """, transaction);
        // Version 3: what produced each trial's results (Provenance, as JSON).
        Execute("""
            ALTER TABLE trials ADD COLUMN IF NOT EXISTS provenance text;
            DELETE FROM declarative_schema;
            INSERT INTO declarative_schema(version) VALUES (3);
            """, transaction);
        transaction.Commit();
    }

    public void EnsureExperiment(IExperimentDefinition experiment)
    {
        using var transaction = _connection.BeginTransaction();
        // CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin in PostgreSQL; take turns.
        Execute($"SELECT pg_advisory_xact_lock({SchemaLock});", transaction);
        using (var command = Command("""
            INSERT INTO experiments(name, summary, declaration, axes, columns) VALUES (@name, @summary, @declaration, @axes, @columns)
            ON CONFLICT(name) DO UPDATE SET summary = excluded.summary, declaration = excluded.declaration, axes = excluded.axes, columns = excluded.columns;
            """, transaction))
        {
            command.Parameters.AddWithValue("name", experiment.Name);
            command.Parameters.AddWithValue("summary", experiment.Summary);
            command.Parameters.AddWithValue("declaration", experiment.Declaration);
            command.Parameters.AddWithValue("axes", JsonSerializer.Serialize(experiment.Axes));
            command.Parameters.AddWithValue("columns", JsonSerializer.Serialize(experiment.Schema.Columns.Select(c => c.Name)));
            command.ExecuteNonQuery();
        }

        var table = MetricTable(experiment.Name);
        var columns = string.Concat(experiment.Schema.Columns.Select(c => $", {Quote(c.Name)} {SqlType(c)}"));
        Execute($"CREATE TABLE IF NOT EXISTS {table} (trial_id text NOT NULL, step bigint NOT NULL, epoch integer NOT NULL{columns}, PRIMARY KEY(trial_id, step));", transaction);
        var existing = new HashSet<string>(StringComparer.Ordinal);
        using (var info = Command("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table;", transaction))
        {
            info.Parameters.AddWithValue("table", "metrics_" + experiment.Name);
            using var reader = info.ExecuteReader();
            while (reader.Read()) existing.Add(reader.GetString(0));
        }
        foreach (var column in experiment.Schema.Columns.Where(c => !existing.Contains(c.Name)))
            Execute($"ALTER TABLE {table} ADD COLUMN {Quote(column.Name)} {SqlType(column)};", transaction);
        foreach (var statement in LongMetricsView.Statements(ScalarColumns(transaction), Quote))
            Execute(statement + ";", transaction);
        transaction.Commit();
    }

    /// <summary>Every experiment's scalar metric columns, as its table has them.</summary>
    private List<(string, IReadOnlyList<string>)> ScalarColumns(NpgsqlTransaction transaction)
    {
        using var command = Command("""
            SELECT e.name, c.column_name FROM experiments e
            JOIN information_schema.columns c ON c.table_schema = current_schema() AND c.table_name = 'metrics_' || e.name
            WHERE c.data_type = 'double precision' ORDER BY e.name, c.ordinal_position;
            """, transaction);
        using var reader = command.ExecuteReader();
        var pairs = new List<(string Experiment, string Column)>();
        while (reader.Read()) pairs.Add((reader.GetString(0), reader.GetString(1)));
        return pairs.GroupBy(p => p.Experiment).Select(g => (g.Key, (IReadOnlyList<string>)g.Select(p => p.Column).ToArray())).ToList();
    }

    public void AddTrials(string experiment, Budget budget, IEnumerable<ITrial> trials)
    {
        using var transaction = _connection.BeginTransaction();
        using var command = Command("""
            INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status)
            VALUES (@id, @experiment, @budget, @seed, @parameters, @ordinal, 'pending')
            ON CONFLICT(id) DO UPDATE SET ordinal = excluded.ordinal;
            """, transaction);
        var id = command.Parameters.Add("id", NpgsqlDbType.Text);
        command.Parameters.AddWithValue("experiment", experiment);
        command.Parameters.AddWithValue("budget", budget.Name);
        var seed = command.Parameters.Add("seed", NpgsqlDbType.Integer);
        var parameters = command.Parameters.Add("parameters", NpgsqlDbType.Text);
        var ordinal = command.Parameters.Add("ordinal", NpgsqlDbType.Integer);
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

    private const string TrialColumns = "id, experiment, budget, seed, parameters, status, attempts, steps, seconds, host, error, provenance";

    public IReadOnlyList<TrialRecord> Trials(string experiment)
    {
        // COLLATE "C": the same byte order as SQLite's, so reports list trials identically.
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE experiment = @experiment ORDER BY budget COLLATE \"C\", ordinal, id COLLATE \"C\";");
        command.Parameters.AddWithValue("experiment", experiment);
        return ReadTrials(command);
    }

    public TrialRecord? Trial(string trialId)
    {
        using var command = Command($"SELECT {TrialColumns} FROM trials WHERE id = @id;");
        command.Parameters.AddWithValue("id", trialId);
        return ReadTrials(command).SingleOrDefault();
    }

    private static List<TrialRecord> ReadTrials(NpgsqlCommand command)
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
            });
        return result;
    }

    public void MarkRunning(string trialId, string host)
    {
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, host = @host, error = NULL, lease = NULL, runner = NULL,
                heartbeat = {Now}, started_at = {Timestamp} WHERE id = @id;
            """);
        command.Parameters.AddWithValue("id", trialId);
        command.Parameters.AddWithValue("host", host);
        command.ExecuteNonQuery();
    }

    public TrialClaim? Claim(string experiment, Budget budget, string runner, string host, TimeSpan staleAfter, IReadOnlyCollection<string>? among = null)
    {
        if (among is { Count: 0 }) return null;
        var candidates = among is null ? "" : "AND id = ANY(@among)";
        var lease = Guid.NewGuid().ToString("N");
        // SKIP LOCKED: a row another claimant is updating is passed over, not waited for; a row it
        // has already committed is re-checked against the WHERE clause before it is locked here.
        using var command = Command($"""
            UPDATE trials SET status = 'running', attempts = attempts + 1, lease = @lease, runner = @runner, host = @host,
                heartbeat = {Now}, error = CASE WHEN status = 'running' THEN 'previous attempt abandoned (stale heartbeat)' ELSE NULL END,
                progress_step = 0, total_steps = 0, loss = NULL,
                started_at = {Timestamp}, finished_at = NULL
            WHERE id = (
                SELECT id FROM trials
                WHERE experiment = @experiment AND budget = @budget {candidates}
                  AND (status = 'pending' OR (status = 'running' AND (heartbeat IS NULL OR heartbeat < {Now} - @stale)))
                ORDER BY ordinal, id COLLATE "C" LIMIT 1
                FOR UPDATE SKIP LOCKED)
            RETURNING id, attempts;
            """);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("runner", runner);
        command.Parameters.AddWithValue("host", host);
        command.Parameters.AddWithValue("experiment", experiment);
        command.Parameters.AddWithValue("budget", budget.Name);
        command.Parameters.AddWithValue("stale", staleAfter.TotalSeconds);
        if (among is not null) command.Parameters.AddWithValue("among", among.ToArray());
        using var reader = command.ExecuteReader();
        return reader.Read() ? new TrialClaim(reader.GetString(0), experiment, budget.Name, lease, reader.GetInt32(1)) : null;
    }

    public bool Heartbeat(TrialClaim claim, long step, long totalSteps, double? loss)
    {
        using var command = Command($"""
            UPDATE trials SET heartbeat = {Now}, progress_step = @step, total_steps = @total, loss = @loss
            WHERE id = @id AND lease = @lease AND status = 'running';
            """);
        command.Parameters.AddWithValue("id", claim.TrialId);
        command.Parameters.AddWithValue("lease", claim.Lease);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("total", totalSteps);
        command.Parameters.Add(new NpgsqlParameter("loss", NpgsqlDbType.Double) { Value = loss is { } l && double.IsFinite(l) ? l : DBNull.Value });
        return command.ExecuteNonQuery() == 1;
    }

    public bool Release(string trialId, string lease, string reason)
    {
        using var command = Command("""
            UPDATE trials SET status = 'pending', lease = NULL, runner = NULL, heartbeat = NULL, error = @reason
            WHERE id = @id AND lease = @lease AND status = 'running';
            """);
        command.Parameters.AddWithValue("id", trialId);
        command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("reason", reason);
        return command.ExecuteNonQuery() == 1;
    }

    public bool RenameTrial(string experiment, string from, string to)
    {
        var table = MetricTable(experiment);
        using var transaction = _connection.BeginTransaction();
        using (var check = Command("SELECT (SELECT count(*) FROM trials WHERE id = @from AND experiment = @experiment), (SELECT status FROM trials WHERE id = @to FOR UPDATE);", transaction))
        {
            check.Parameters.AddWithValue("from", from);
            check.Parameters.AddWithValue("to", to);
            check.Parameters.AddWithValue("experiment", experiment);
            using var reader = check.ExecuteReader();
            reader.Read();
            if (reader.GetInt64(0) == 0 || (!reader.IsDBNull(1) && reader.GetString(1) != "pending")) return false;
        }
        using (var move = Command($"""
            DELETE FROM {table} WHERE trial_id = @to;
            DELETE FROM trials WHERE id = @to;
            UPDATE trials SET id = @to WHERE id = @from;
            UPDATE {table} SET trial_id = @to WHERE trial_id = @from;
            """, transaction))
        {
            move.Parameters.AddWithValue("from", from);
            move.Parameters.AddWithValue("to", to);
            move.ExecuteNonQuery();
        }
        transaction.Commit();
        return true;
    }

    public int ResetFailed(string experiment, Budget budget)
    {
        using var command = Command("UPDATE trials SET status = 'pending', lease = NULL, runner = NULL WHERE experiment = @experiment AND budget = @budget AND status = 'failed';");
        command.Parameters.AddWithValue("experiment", experiment);
        command.Parameters.AddWithValue("budget", budget.Name);
        return command.ExecuteNonQuery();
    }

    public IReadOnlyList<RunningTrial> Running(string experiment, Budget budget)
    {
        using var command = Command($"""
            SELECT id, experiment, lease, runner, host, {Now} - coalesce(heartbeat, 0),
                   extract(epoch from clock_timestamp() - started_at::timestamptz)::double precision, progress_step, total_steps, loss
            FROM trials WHERE experiment = @experiment AND budget = @budget AND status = 'running' ORDER BY ordinal, id COLLATE "C";
            """);
        command.Parameters.AddWithValue("experiment", experiment);
        command.Parameters.AddWithValue("budget", budget.Name);
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
    /// As in SQLite: the guarded status update goes first and a lost lease rolls everything back. The
    /// rows go in by binary COPY (one round trip for any number of rows); a step written twice keeps
    /// its last row, as SQLite's INSERT OR REPLACE does.
    /// </summary>
    private bool CompleteCore(string experiment, MetricSchema schema, string trialId, string? lease, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds)
    {
        var table = MetricTable(experiment);
        using var transaction = _connection.BeginTransaction();
        using (var update = Command($"""
            UPDATE trials SET status = @status, steps = @steps, seconds = @seconds, error = @error, progress_step = @steps, provenance = @provenance,
                heartbeat = {Now}, finished_at = {Timestamp}
            WHERE id = @id {(lease is null ? "" : "AND lease = @lease AND status = 'running'")};
            """, transaction))
        {
            update.Parameters.AddWithValue("id", trialId);
            if (lease is not null) update.Parameters.AddWithValue("lease", lease);
            update.Parameters.AddWithValue("status", outcome.Status.ToString().ToLowerInvariant());
            update.Parameters.AddWithValue("steps", outcome.Steps);
            update.Parameters.AddWithValue("seconds", seconds);
            update.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)outcome.Message ?? DBNull.Value });
            update.Parameters.Add(new NpgsqlParameter("provenance", NpgsqlDbType.Text) { Value = (object?)outcome.Provenance ?? DBNull.Value });
            if (update.ExecuteNonQuery() != 1)
            {
                transaction.Rollback();
                return false;
            }
        }

        using (var delete = Command($"DELETE FROM {table} WHERE trial_id = @id;", transaction))
        {
            delete.Parameters.AddWithValue("id", trialId);
            delete.ExecuteNonQuery();
        }

        var lastPerStep = new Dictionary<long, IMetricRow>();
        foreach (var row in rows) lastPerStep[row.Step] = row;
        if (lastPerStep.Count > 0)
        {
            var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
            using var import = _connection.BeginBinaryImport($"COPY {table} (trial_id, step, epoch{names}) FROM STDIN (FORMAT BINARY)");
            foreach (var row in lastPerStep.Values)
            {
                import.StartRow();
                import.Write(trialId, NpgsqlDbType.Text);
                import.Write(row.Step, NpgsqlDbType.Bigint);
                import.Write(row.Epoch, NpgsqlDbType.Integer);
                for (var i = 0; i < schema.Columns.Count; i++)
                {
                    if (schema.Columns[i].IsVector)
                    {
                        if (row.GetVector(i) is { } vector) import.Write(StoreText.Vector(vector), NpgsqlDbType.Text);
                        else import.WriteNull();
                    }
                    else if (row.GetValue(i) is { } v && double.IsFinite(v)) import.Write(v, NpgsqlDbType.Double);
                    else import.WriteNull();
                }
            }
            import.Complete();
        }
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
        command.Parameters.AddWithValue("id", trialId);
        if (lease is not null) command.Parameters.AddWithValue("lease", lease);
        command.Parameters.AddWithValue("error", error);
        command.Parameters.AddWithValue("seconds", seconds);
        return command.ExecuteNonQuery() == 1;
    }

    public IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema)
    {
        using (var exists = Command("SELECT to_regclass(@table) IS NOT NULL;"))
        {
            exists.Parameters.AddWithValue("table", MetricTable(experiment));
            if (exists.ExecuteScalar() is not true) return [];
        }
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        using var command = Command($"SELECT trial_id, step, epoch{names} FROM {MetricTable(experiment)} ORDER BY trial_id COLLATE \"C\", step;");
        using var reader = command.ExecuteReader();
        return StoreRows.Read(reader, schema);
    }

    public IReadOnlyList<string> Experiments()
    {
        using var command = Command("SELECT name FROM experiments ORDER BY name COLLATE \"C\";");
        using var reader = command.ExecuteReader();
        var result = new List<string>();
        while (reader.Read()) result.Add(reader.GetString(0));
        return result;
    }

    public void Dispose() => _connection.Dispose();

    private static string SqlType(MetricColumn column) => column.IsVector ? "text" : "double precision";

    private static string MetricTable(string experiment) => Quote("metrics_" + experiment);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private NpgsqlCommand Command(string sql, NpgsqlTransaction? transaction = null) => new(sql, _connection, transaction);

    private void Execute(string sql, NpgsqlTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql, NpgsqlTransaction? transaction = null)
    {
        using var command = Command(sql, transaction);
        return command.ExecuteScalar();
    }

}
