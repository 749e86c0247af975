namespace Declarative.EndToEnd.Tests;

/// <summary>
/// The runner packs trials that can share one stacked model into one worker by default, and <c>--no-pack</c>
/// runs each alone; both store the same rows up to float32 rounding carried through 32 steps (1e-4 relative
/// + 1e-6 absolute on every stored value; measured about 1e-6). Real processes on a real SQLite file, over the
/// generated <c>Packable</c> experiment of the fakes (12 trials: 3 learning rates × 2 momenta × 2 seeds).
/// </summary>
public sealed class PackingTests : IDisposable
{
    private readonly Sandbox _packed = new();
    private readonly Sandbox _alone = new();

    public void Dispose()
    {
        _packed.Dispose();
        _alone.Dispose();
    }

    /// <summary>Trials running in the packed store; 0 while the store or its schema does not exist yet.</summary>
    private long Running()
    {
        if (!File.Exists(_packed.Store)) return 0;
        try
        {
            return _packed.Query("SELECT count(*) FROM trials WHERE status = 'running'") is [[long n]] ? n : 0;
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // the runner is still creating the schema
        }
    }

    private const string Values = "SELECT t.parameters || ' seed ' || t.seed, m.step, m.BatchLoss, m.DistanceFromInit, m.TrainLoss, m.TestAccuracy FROM metrics_Packable m JOIN trials t ON t.id = m.trial_id ORDER BY 1, 2";

    [Fact]
    public void Packed_trials_store_the_rows_they_store_alone()
    {
        var (exit, output) = FakesProcess.Run(_packed.Folder, null, _packed.RunArgs("Packable", "--parallel", "1", "--threads", "1"));
        Assert.True(exit == 0, output);
        Assert.Contains("12 of 12 trials train packed", output);
        Assert.Contains("(packed, 12 trials)", output);

        var (exitAlone, outputAlone) = FakesProcess.Run(_alone.Folder, null, _alone.RunArgs("Packable", "--parallel", "2", "--threads", "1", "--no-pack"));
        Assert.True(exitAlone == 0, outputAlone);
        Assert.Contains("each trial trains alone (--no-pack)", outputAlone);
        Assert.DoesNotContain("(packed", outputAlone);

        foreach (var box in new[] { _packed, _alone })
            Assert.All(box.Query("SELECT status, steps FROM trials WHERE experiment = 'Packable'"), t => Assert.Equal(new object[] { "done", 32L }, t));

        // Provenance: each trial says which code and libraries produced it, on which device, and with whom it trained.
        var packedIds = _packed.Query("SELECT id FROM trials").Select(r => (string)r[0]).ToHashSet();
        foreach (var (box, packedWith) in new[] { (_packed, 11), (_alone, 0) })
            Assert.All(box.Query("SELECT id, provenance FROM trials"), r =>
            {
                var provenance = Declarative.Runtime.Experiments.Provenance.FromJson((string)r[1])!;
                Assert.Matches("^[0-9a-f]{40}$", provenance.Commit);
                Assert.NotNull(provenance.Dirty);
                Assert.StartsWith("0.107", provenance.TorchSharp);
                Assert.False(string.IsNullOrWhiteSpace(provenance.LibTorch));
                Assert.Equal("cpu", provenance.Device);
                Assert.Equal(1, provenance.Threads);
                Assert.Equal(packedWith, provenance.PackedWith.Count);
                Assert.DoesNotContain((string)r[0], provenance.PackedWith);
                Assert.All(provenance.PackedWith, id => Assert.Contains(id, packedIds));
            });
        var packed = _packed.Query(Values);
        var alone = _alone.Query(Values);
        Assert.Equal(12 * 4, alone.Count); // steps 8, 16, 24 and 32 (the epoch ends 16 and 32 share those rows)
        Assert.Equal(alone.Count, packed.Count);
        for (var i = 0; i < alone.Count; i++)
        {
            Assert.Equal(alone[i][0], packed[i][0]);
            Assert.Equal(alone[i][1], packed[i][1]);
            for (var c = 2; c < alone[i].Length; c++)
            {
                if (alone[i][c] is DBNull) { Assert.IsType<DBNull>(packed[i][c]); continue; }
                var a = Convert.ToDouble(alone[i][c]);
                var p = Convert.ToDouble(packed[i][c]);
                Assert.True(Math.Abs(a - p) <= 1e-4 * Math.Abs(a) + 1e-6, $"{alone[i][0]} step {alone[i][1]} column {c}: alone {a}, packed {p}");
            }
        }
    }

    [Fact]
    public void A_trials_numbers_and_pack_partners_do_not_depend_on_how_many_workers_ran_the_sweep()
    {
        // Before: the pack size was the group's share per worker, so --parallel 1 and --parallel 3 trained different
        // packs (12 trials in one, or in packs of 4) and stored different numbers (up to 1.2% in chaotic cells).
        // And the thread count followed --parallel (cores / N), which changes a trial's sums: the defaults are tested here,
        // with no --threads, so each worker must get one intra-op thread whatever --parallel says.
        var one = FakesProcess.Run(_packed.Folder, null, _packed.RunArgs("Packable", "--parallel", "1"));
        Assert.True(one.Exit == 0, one.Output);
        var three = FakesProcess.Run(_alone.Folder, null, _alone.RunArgs("Packable", "--parallel", "3"));
        Assert.True(three.Exit == 0, three.Output);

        Assert.Contains("in 1 pack(s)", three.Output);
        Assert.Equal(_packed.Query(Values), _alone.Query(Values)); // bit for bit
        static Dictionary<string, string> Partners(Sandbox box) => box.Query("SELECT id, provenance FROM trials").ToDictionary(
            r => (string)r[0], r => string.Join(",", Declarative.Runtime.Experiments.Provenance.FromJson((string)r[1])!.PackedWith.Order(StringComparer.Ordinal)));
        Assert.Equal(Partners(_packed), Partners(_alone));
        Assert.All(_packed.Query("SELECT provenance FROM trials").Concat(_alone.Query("SELECT provenance FROM trials")),
            r => Assert.Equal(1, Declarative.Runtime.Experiments.Provenance.FromJson((string)r[0])!.Threads));
    }

    [Fact]
    public void A_packed_sweep_killed_midway_resumes_and_stores_each_trial_once()
    {
        var args = _packed.RunArgs("Packable", "--parallel", "1", "--threads", "1");
        using (var runner = FakesProcess.Start(_packed.Folder, null, args))
        {
            // Kill the runner (its worker follows) once the pack is claimed, before it stores anything.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(30) && !runner.HasExited && Running() < 2)
                Thread.Sleep(50);
            Assert.False(runner.HasExited, "the sweep finished before it could be interrupted");
            Assert.Empty(_packed.Query("SELECT id FROM trials WHERE status = 'done'"));
            runner.Kill();
            runner.WaitForExit();
        }

        var (exit, output) = FakesProcess.Run(_packed.Folder, null, args);

        Assert.True(exit == 0, output);
        Assert.All(_packed.Query("SELECT status, steps FROM trials WHERE experiment = 'Packable'"), t => Assert.Equal(new object[] { "done", 32L }, t));
        var rows = _packed.Query("SELECT trial_id, count(*), count(DISTINCT step) FROM metrics_Packable GROUP BY trial_id");
        Assert.Equal(12, rows.Count);
        Assert.All(rows, r => Assert.Equal(r[1], r[2]));
        Assert.Empty(_packed.Query("SELECT id FROM trials WHERE status = 'running'"));
    }
}
