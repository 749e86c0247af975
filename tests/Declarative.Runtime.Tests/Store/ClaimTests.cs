using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;
using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Tests.Store;

/// <summary>Claims and leases: each trial goes to one claimant; a superseded claim can write nothing.</summary>
public sealed class ClaimTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-claims-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private sealed record Trial(string Id) : ITrial
    {
        public int Seed => 0;
        public ExperimentSettings Settings { get; } = new(1, 1, 0, 0);
        public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; } = [new("Index", Id)];
    }

    private sealed class Experiment : IExperimentDefinition
    {
        public string Name => "Claims";
        public string Summary => "";
        public string Declaration => "";
        public IReadOnlyList<string> Axes => ["Index"];
        public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step")]);
        public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
        public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
        public IReadOnlyList<ITrial> Trials(Budget budget) => [new Trial("a"), new Trial("b"), new Trial("c")];
        public TrialOutcome Run(ITrial trial, TrialContext context) => TrialOutcome.Done(0);
    }

    private sealed record Row(long Step, double Loss) : IMetricRow
    {
        public int Epoch => 0;
        public double? GetValue(int column) => Loss;
    }

    private SqliteResultStore Open()
    {
        var store = new SqliteResultStore(Path.Combine(_folder, "results.db"));
        var experiment = new Experiment();
        store.EnsureExperiment(experiment);
        store.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
        return store;
    }

    [Fact]
    public void A_claim_among_named_trials_takes_only_those_that_are_free()
    {
        using var one = Open();
        using var two = Open();
        var fresh = TimeSpan.FromMinutes(1);

        Assert.Equal("b", two.Claim("Claims", Budget.Smoke, "r2", "h", fresh, ["b"])!.TrialId);
        Assert.Equal("c", one.Claim("Claims", Budget.Smoke, "r1", "h", fresh, ["b", "c"])!.TrialId);
        Assert.Null(one.Claim("Claims", Budget.Smoke, "r1", "h", fresh, ["b", "c"]));
        Assert.Null(one.Claim("Claims", Budget.Smoke, "r1", "h", fresh, []));
        Assert.Equal("a", one.Claim("Claims", Budget.Smoke, "r1", "h", fresh)!.TrialId);
    }

    [Fact]
    public void Claims_from_two_connections_hand_out_each_trial_once_then_none()
    {
        using var one = Open();
        using var two = Open();
        var fresh = TimeSpan.FromMinutes(1);

        var claims = new[] { one.Claim("Claims", Budget.Smoke, "r1", "h", fresh), two.Claim("Claims", Budget.Smoke, "r2", "h", fresh), one.Claim("Claims", Budget.Smoke, "r1", "h", fresh) };

        Assert.Equal(["a", "b", "c"], claims.Select(c => c!.TrialId));
        Assert.Null(two.Claim("Claims", Budget.Smoke, "r2", "h", fresh));
        Assert.All(one.Trials("Claims"), t => Assert.Equal((TrialStatus.Running, 1), (t.Status, t.Attempts)));
    }

    [Fact]
    public void A_stale_claim_is_taken_over_and_the_old_lease_can_no_longer_write()
    {
        using var store = Open();
        var experiment = new Experiment();
        var old = store.Claim("Claims", Budget.Smoke, "r1", "h", TimeSpan.FromMinutes(1))!;
        Thread.Sleep(20);

        var taken = store.Claim("Claims", Budget.Smoke, "r2", "h", TimeSpan.FromMilliseconds(1))!;

        Assert.Equal(old.TrialId, taken.TrialId);
        Assert.Equal(2, taken.Attempt);
        Assert.False(store.Heartbeat(old, 5, 10, 0.5));
        Assert.False(store.Complete(experiment.Name, experiment.Schema, old, TrialOutcome.Done(1), [new Row(1, 9)], 1));
        Assert.False(store.Fail(old, "late", 1));
        Assert.Empty(store.Rows(experiment.Name, experiment.Schema));
        Assert.True(store.Heartbeat(taken, 1, 2, 0.5));
        Assert.Equal((1L, 2L, 0.5), store.Running("Claims", Budget.Smoke).Select(r => (r.Step, r.TotalSteps, r.Loss!.Value)).Single());
        Assert.True(store.Complete(experiment.Name, experiment.Schema, taken, TrialOutcome.Done(2), [new Row(1, 1), new Row(2, 0.5)], 1));
        Assert.Equal(2, store.Rows(experiment.Name, experiment.Schema).Count);
        Assert.False(store.Release(taken.TrialId, taken.Lease, "too late")); // finished trials are not re-queued
    }

    [Fact]
    public void Released_and_reset_trials_are_claimed_again()
    {
        using var store = Open();
        var fresh = TimeSpan.FromMinutes(1);
        var a = store.Claim("Claims", Budget.Smoke, "r1", "h", fresh)!;
        var b = store.Claim("Claims", Budget.Smoke, "r1", "h", fresh)!;
        Assert.True(store.Fail(b, "boom", 1));
        Assert.True(store.Release(a.TrialId, a.Lease, "runner died"));

        Assert.Equal("a", store.Claim("Claims", Budget.Smoke, "r2", "h", fresh)!.TrialId);
        Assert.Equal("c", store.Claim("Claims", Budget.Smoke, "r2", "h", fresh)!.TrialId);
        Assert.Null(store.Claim("Claims", Budget.Smoke, "r2", "h", fresh)); // failed trials wait for --retry-failed
        Assert.Equal(1, store.ResetFailed("Claims", Budget.Smoke));
        Assert.Equal("b", store.Claim("Claims", Budget.Smoke, "r2", "h", fresh)!.TrialId);
    }

    [Fact]
    public void A_version_1_store_is_migrated_and_keeps_its_trials()
    {
        var path = Path.Combine(_folder, "v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE experiments (name TEXT PRIMARY KEY, summary TEXT NOT NULL, declaration TEXT NOT NULL, axes TEXT NOT NULL, columns TEXT NOT NULL);
                CREATE TABLE trials (id TEXT PRIMARY KEY, experiment TEXT NOT NULL, budget TEXT NOT NULL, seed INTEGER NOT NULL, parameters TEXT NOT NULL,
                    ordinal INTEGER NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, steps INTEGER NOT NULL DEFAULT 0,
                    seconds REAL NOT NULL DEFAULT 0, host TEXT, error TEXT, started_at TEXT, finished_at TEXT);
                INSERT INTO trials(id, experiment, budget, seed, parameters, ordinal, status, attempts) VALUES ('x', 'Old', 'smoke', 0, '[]', 0, 'done', 1);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteResultStore(path);

        Assert.Equal(TrialStatus.Done, store.Trial("x")!.Status);
        Assert.Null(store.Claim("Old", Budget.Smoke, "r", "h", TimeSpan.FromMinutes(1)));
    }
}
