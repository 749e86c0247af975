using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Tests.Store;

/// <summary>
/// The store contract: claims and leases (each trial to one claimant, a superseded claim writes nothing), heartbeats,
/// release and retry, metric rows, renaming and the long-format view, the same for every database. SQLite runs it in
/// the unit tests (<c>SqliteStoreContractTests</c>), PostgreSQL in the scale-out step (<c>PostgresStoreContractTests</c>,
/// which compiles this file too).
/// </summary>
public abstract class StoreContract
{
    /// <summary>A new connection to the store under test (one database for the whole test).</summary>
    protected abstract IResultStore NewStore();

    /// <summary>Rows of a query on the store under test, read with a connection of its own.</summary>
    protected abstract IReadOnlyList<object[]> Query(string sql);

    internal sealed record Trial(string Id) : ITrial
    {
        public int Seed => 0;
        public ExperimentSettings Settings { get; } = new(1, 1, 0, 0);
        public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; } = [new("Index", Id)];
    }

    internal sealed class Experiment(int count = 3) : IExperimentDefinition
    {
        public string Name => "Claims";
        public string Summary => "Claims on a store.";
        public string Declaration => "[Experiment] (test)";
        public IReadOnlyList<string> Axes => ["Index"];
        public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step"), new MetricColumn("Spectrum", "every step", IsVector: true)]);
        public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
        public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
        public IReadOnlyList<ITrial> Trials(Budget budget) => Enumerable.Range(0, count).Select(i => (ITrial)new Trial(((char)('a' + i)).ToString())).ToArray();
        public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
        public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => trials.Select(_ => TrialOutcome.Done(0)).ToArray();
    }

    internal sealed record Row(long Step, double Loss, double[]? Spectrum = null) : IMetricRow
    {
        public int Epoch => 0;
        public double? GetValue(int column) => column == 0 ? Loss : null;
        public double[]? GetVector(int column) => column == 1 ? Spectrum : null;
    }

    private IResultStore Open(int count = 3)
    {
        var store = NewStore();
        var experiment = new Experiment(count);
        store.EnsureExperiment(experiment);
        store.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
        return store;
    }

    [Fact]
    public void Renaming_a_trial_moves_its_rows_and_never_overwrites_a_finished_one()
    {
        using var store = Open(count: 3);
        var schema = new Experiment().Schema;
        store.MarkRunning("a", "h");
        store.Complete("Claims", schema, "a", TrialOutcome.Done(2), [new Row(1, 0.5), new Row(2, 0.25)], 1.0);
        store.MarkRunning("b", "h");
        store.Complete("Claims", schema, "b", TrialOutcome.Done(1), [new Row(1, 0.125)], 1.0);

        Assert.True(store.RenameTrial("Claims", "a", "a2"));      // to an absent id
        Assert.True(store.RenameTrial("Claims", "a2", "c"));      // to a pending id without rows
        Assert.False(store.RenameTrial("Claims", "c", "b"));      // never over a finished trial
        Assert.False(store.RenameTrial("Claims", "nowhere", "d")); // nothing to move

        var trials = store.Trials("Claims").ToDictionary(t => t.Id);
        Assert.Equal(["b", "c"], trials.Keys.Order());
        Assert.Equal(TrialStatus.Done, trials["c"].Status);
        Assert.Equal([0.5, 0.25], store.Rows("Claims", schema).Where(r => r.TrialId == "c").Select(r => r.Values[0]!.Value));
        Assert.Equal([0.125], store.Rows("Claims", schema).Where(r => r.TrialId == "b").Select(r => r.Values[0]!.Value));
        // The long-format view (docs/analysis.md) has the scalar metric of every row, not the vector one.
        Assert.Equal([("b", 0.125), ("c", 0.5), ("c", 0.25)],
            Query("SELECT trial, value FROM long_metrics WHERE metric = 'BatchLoss' ORDER BY trial, step").Select(r => ((string)r[0], (double)r[1])));
        Assert.Empty(Query("SELECT 1 FROM long_metrics WHERE metric = 'Spectrum'"));
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
    public void Eight_connections_claiming_at_once_never_get_the_same_trial()
    {
        using (Open(200)) { }
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToArray();
        try
        {
            var claimed = new System.Collections.Concurrent.ConcurrentBag<string>();
            using var start = new Barrier(stores.Length);
            var threads = stores.Select((store, i) => new Thread(() =>
            {
                start.SignalAndWait();
                while (store.Claim("Claims", Budget.Smoke, $"r{i}", "h", TimeSpan.FromMinutes(1)) is { } claim) claimed.Add(claim.TrialId);
            })).ToArray();
            foreach (var t in threads) t.Start();
            foreach (var t in threads) t.Join();

            Assert.Equal(200, claimed.Count);
            Assert.Equal(200, claimed.Distinct().Count());
            Assert.Equal([1L], Query("SELECT DISTINCT attempts FROM trials").Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)));
        }
        finally
        {
            foreach (var s in stores) s.Dispose();
        }
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
        Assert.Contains("stale heartbeat", store.Trial(taken.TrialId)!.Error);
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
    public void A_fresh_heartbeat_keeps_a_claim_a_stale_one_loses_it()
    {
        using var store = Open(1);
        var claim = store.Claim("Claims", Budget.Smoke, "r1", "h", TimeSpan.FromMinutes(1))!;
        Thread.Sleep(1200);
        Assert.True(store.Heartbeat(claim, 1, 4, 0.25));

        Assert.Null(store.Claim("Claims", Budget.Smoke, "r2", "h", TimeSpan.FromSeconds(1)));
        Thread.Sleep(1200);
        Assert.Equal(claim.TrialId, store.Claim("Claims", Budget.Smoke, "r2", "h", TimeSpan.FromSeconds(1))!.TrialId);
        Assert.False(store.Heartbeat(claim, 2, 4, 0.2));
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
    public void Rows_round_trip_with_vectors_non_finite_values_and_a_repeated_step_keeping_the_last()
    {
        using var store = Open(1);
        var experiment = new Experiment(1);
        var claim = store.Claim("Claims", Budget.Smoke, "r1", "h", TimeSpan.FromMinutes(1))!;

        Assert.True(store.Complete(experiment.Name, experiment.Schema, claim, TrialOutcome.Done(2),
            [new Row(1, 1.5, [3, double.NaN, 1]), new Row(2, double.PositiveInfinity), new Row(2, 0.25)], 2.5));

        var rows = store.Rows(experiment.Name, experiment.Schema);
        Assert.Equal([1L, 2L], rows.Select(r => r.Step));
        Assert.Equal(1.5, rows[0].GetValue(0));
        Assert.Equal([3, double.NaN, 1], rows[0].GetVector(1)!);
        Assert.Equal(0.25, rows[1].GetValue(0));
        Assert.Null(rows[1].GetVector(1));
        var record = store.Trial(claim.TrialId)!;
        Assert.Equal((TrialStatus.Done, 2L, 2.5), (record.Status, record.Steps, record.Seconds));
    }
}
