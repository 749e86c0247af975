using System.Data.Common;
using System.Globalization;
using Declarative.Runtime.Experiments;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, with the statements of <see cref="SqlResultStore"/>. This class
/// holds SQLite's dialect only: opening and migrating the file (<c>PRAGMA user_version</c>), its clock, and
/// writing rows with <c>INSERT OR REPLACE</c>. A claim needs no row locks: the transaction (BEGIN IMMEDIATE)
/// holds the database's write lock from its first read.
/// </summary>
public sealed class SqliteResultStore : SqlResultStore
{
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

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Use(connection);
            Execute("PRAGMA busy_timeout=10000;");
            CheckVersion();
            // Heartbeats write every second: checkpoint the write-ahead log often and truncate it after each checkpoint,
            // so it stays small (bounded by about 100 pages) instead of growing beside a small database.
            Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=100; PRAGMA journal_size_limit=524288;");
            Migrate();
        }
        catch (StoreException)
        {
            connection.Dispose();
            throw;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StoreException(SqliteFailure.Describe(e, Path), e);
        }
    }

    public string Path { get; }

    protected override string Now => "((julianday('now') - 2440587.5) * 86400.0)";

    protected override string Timestamp => "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

    protected override string SecondsSinceStart => "(julianday('now') - julianday(started_at)) * 86400.0";

    protected override string ByteOrder => ""; // SQLite compares text by bytes (BINARY) by default

    protected override string SkipLocked => "";

    protected override string SqlType(MetricColumn column) => column.IsVector ? "TEXT" : "REAL";

    protected override string AmongCondition(IReadOnlyCollection<string> among) => $"id IN ({string.Join(", ", among.Select((_, i) => "@among" + i))})";

    protected override void BindAmong(DbCommand command, IReadOnlyCollection<string> among)
    {
        var i = 0;
        foreach (var id in among) Bind(command, "among" + i++, id);
    }

    protected override void LockSchema(DbTransaction transaction)
    {
        // The transaction (BEGIN IMMEDIATE) already holds the write lock.
    }

    protected override IReadOnlyList<(string Name, bool IsNumber)> ColumnsOf(string table, DbTransaction? transaction)
    {
        using var command = Command($"PRAGMA table_info({Quote(table)});", transaction);
        using var reader = command.ExecuteReader();
        var columns = new List<(string, bool)>();
        while (reader.Read())
            columns.Add((reader.GetString(1), reader.GetString(2).Equals("REAL", StringComparison.OrdinalIgnoreCase)));
        return columns;
    }

    protected override void InsertRows(string table, MetricSchema schema, string trialId, IReadOnlyList<IMetricRow> rows, DbTransaction transaction)
    {
        var names = string.Concat(schema.Columns.Select(c => ", " + Quote(c.Name)));
        var values = string.Concat(schema.Columns.Select((_, i) => $", @c{i}"));
        using var insert = Command($"INSERT OR REPLACE INTO {table}(trial_id, step, epoch{names}) VALUES (@id, @step, @epoch{values});", transaction);
        Bind(insert, "id", trialId);
        var step = Bind(insert, "step", 0L, System.Data.DbType.Int64);
        var epoch = Bind(insert, "epoch", 0, System.Data.DbType.Int32);
        var cells = schema.Columns.Select((c, i) => Bind(insert, $"c{i}", null, c.IsVector ? System.Data.DbType.String : System.Data.DbType.Double)).ToArray();
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
        using var transaction = Connection.BeginTransaction();
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
        if (version < 3)
            Execute("ALTER TABLE trials ADD COLUMN provenance TEXT;", transaction);
        // Version 4: the epochs a trial trained and, under a target budget, whether it reached its target (NULL: no target).
        Execute("""
            ALTER TABLE trials ADD COLUMN epochs INTEGER;
            ALTER TABLE trials ADD COLUMN reached_target INTEGER;
            PRAGMA user_version = 4;
            """, transaction);
        transaction.Commit();
    }
}
