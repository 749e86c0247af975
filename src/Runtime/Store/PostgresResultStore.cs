using System.Data.Common;
using Declarative.Runtime.Experiments;
using Npgsql;
using NpgsqlTypes;

namespace Declarative.Runtime.Store;

/// <summary>
/// A PostgreSQL database as the store, for sweeps whose workers run on several machines (Slurm), with the
/// statements of <see cref="SqlResultStore"/>. This class holds PostgreSQL's dialect only: opening and migrating
/// (<c>declarative_schema</c>, schema changes serialised by an advisory lock), its clock, byte-order collation,
/// <c>FOR UPDATE SKIP LOCKED</c> in claims, and rows written by binary COPY.
/// </summary>
public sealed class PostgresResultStore : SqlResultStore
{
    /// <summary>Serialises schema changes of concurrent runners (pg_advisory_xact_lock key, "DCLR").</summary>
    private const long SchemaLock = 0x44434C52;

    public PostgresResultStore(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // What the runner prints and passes to its workers; never the password.
        Description = $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            Use(connection);
            CheckVersion();
            Migrate();
        }
        catch (StoreException)
        {
            connection.Dispose();
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            connection.Dispose();
            throw new StoreException($"Cannot open the PostgreSQL store {Description}: {e.Message}. Check that the server runs and accepts this connection (--store or ${StoreFactory.EnvironmentVariable}).", e);
        }
    }

    public string Description { get; }

    protected override string Now => "extract(epoch from clock_timestamp())::double precision";

    protected override string Timestamp => "to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";

    protected override string SecondsSinceStart => "extract(epoch from clock_timestamp() - started_at::timestamptz)::double precision";

    protected override string ByteOrder => " COLLATE \"C\""; // the same order as SQLite's, so reports list trials identically

    protected override string SkipLocked => "FOR UPDATE SKIP LOCKED";

    protected override string SqlType(MetricColumn column) => column.IsVector ? "text" : "double precision";

    protected override string AmongCondition(IReadOnlyCollection<string> among) => "id = ANY(@among)";

    protected override void BindAmong(DbCommand command, IReadOnlyCollection<string> among) =>
        command.Parameters.Add(new NpgsqlParameter("among", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = among.ToArray() });

    /// <summary>CREATE TABLE IF NOT EXISTS is not safe against a concurrent twin in PostgreSQL; take turns.</summary>
    protected override void LockSchema(DbTransaction transaction) => Execute($"SELECT pg_advisory_xact_lock({SchemaLock});", transaction);

    protected override IReadOnlyList<(string Name, bool IsNumber)> ColumnsOf(string table, DbTransaction? transaction)
    {
        using var command = Command("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table ORDER BY ordinal_position;", transaction);
        Bind(command, "table", table);
        using var reader = command.ExecuteReader();
        var columns = new List<(string, bool)>();
        while (reader.Read()) columns.Add((reader.GetString(0), reader.GetString(1) == "double precision"));
        return columns;
    }

    /// <summary>Binary COPY: one round trip for any number of rows; a step written twice keeps its last row, as SQLite's INSERT OR REPLACE does.</summary>
    protected override void InsertRows(string table, MetricSchema schema, string trialId, IReadOnlyList<IMetricRow> rows, DbTransaction transaction)
    {
        var lastPerStep = new Dictionary<long, IMetricRow>();
        foreach (var row in rows) lastPerStep[row.Step] = row;
        if (lastPerStep.Count == 0) return;
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        using var import = ((NpgsqlConnection)Connection).BeginBinaryImport($"COPY {table} (trial_id, step, epoch{names}) FROM STDIN (FORMAT BINARY)");
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
        using var transaction = Connection.BeginTransaction();
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
        // Version 3: what produced each trial's results (Provenance, as JSON). Version 4: the epochs a trial trained and, under
        // a target budget, whether it reached its target (NULL: no target).
        Execute("""
            ALTER TABLE trials ADD COLUMN IF NOT EXISTS provenance text;
            ALTER TABLE trials ADD COLUMN IF NOT EXISTS epochs integer;
            ALTER TABLE trials ADD COLUMN IF NOT EXISTS reached_target boolean;
            DELETE FROM declarative_schema;
            INSERT INTO declarative_schema(version) VALUES (4);
            """, transaction);
        transaction.Commit();
    }
}
