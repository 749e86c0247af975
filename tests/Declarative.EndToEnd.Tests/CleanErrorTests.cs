using Microsoft.Data.Sqlite;

namespace Declarative.EndToEnd.Tests;

/// <summary>Mistakes a user can make stop the runner with a message naming the thing, a non-zero exit code, and nothing deleted.</summary>
public sealed class CleanErrorTests : IDisposable
{
    private readonly Sandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Theory]
    [InlineData("--parallel", "0", "--parallel")]
    [InlineData("--trial-timeout", "-1", "--trial-timeout")]
    [InlineData("--budget", "huge", "huge")]
    [InlineData("--no-such-option", "1", "--no-such-option")]
    [InlineData("--threads", "abc", "--threads 'abc' is not a number")]
    [InlineData("--parallel", "x", "--parallel 'x' is not a number")]
    [InlineData("--trial-timeout", "soon", "--trial-timeout 'soon' is not a number")]
    [InlineData("--stale-after", "x", "--stale-after 'x' is not a number")]
    [InlineData("--array-tasks", "x", "--array-tasks 'x' is not a number")]
    [InlineData("--device", "tpu", "--device 'tpu' is not a device; use one of: auto, cpu, cuda")]
    [InlineData("--filter", ",", "--filter names no experiment")]
    public void A_bad_option_is_named_and_the_exit_code_is_not_zero(string option, string value, string named)
    {
        string[] args = ["run", "--filter", option == "--filter" ? value : "Steady", "--store", _box.Store, "--reports", _box.Reports, "--progress", "plain"];
        if (option != "--filter") args = [.. args, option, value];
        var (exit, output) = FakesProcess.Run(_box.Folder, null, args);

        Assert.Equal(1, exit); // ExitCodes.Usage: one code for every bad command line
        Assert.Contains(named, output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
        Assert.False(File.Exists(_box.Store));
    }

    [Fact]
    public void An_unknown_experiment_lists_the_known_ones()
    {
        var (exit, output) = FakesProcess.Run(_box.Folder, null, _box.RunArgs("Stedy"));

        Assert.Equal(2, exit);
        Assert.Contains("Stedy", output);
        Assert.Contains("Known experiments: Mixed, Steady, Packable", output);
    }

    [Fact]
    public void An_unwritable_reports_folder_stops_the_run_before_any_trial()
    {
        var blocker = Path.Combine(_box.Folder, "a-file");
        File.WriteAllText(blocker, "not a folder");

        var (exit, output) = FakesProcess.Run(_box.Folder, _box.Environment(), ["run", "--filter", "Steady", "--store", _box.Store, "--reports", Path.Combine(blocker, "reports"), "--progress", "plain"]);

        Assert.Equal(2, exit);
        Assert.Contains("--reports", output);
        Assert.Contains("not writable", output);
        Assert.Empty(_box.LogLines());
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [Fact]
    public void A_store_from_a_newer_schema_is_refused_and_left_as_it_is()
    {
        using (var connection = new SqliteConnection($"Data Source={_box.Store};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE precious(x); INSERT INTO precious VALUES (42); PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(_box.Store);

        var (exit, output) = FakesProcess.Run(_box.Folder, _box.Environment(), _box.RunArgs("Steady"));

        Assert.Equal(2, exit);
        Assert.Contains("schema version 99", output);
        Assert.Equal(before, File.ReadAllBytes(_box.Store));
        Assert.Empty(_box.LogLines());
    }

    [Fact]
    public void A_corrupt_store_is_reported_and_kept()
    {
        File.WriteAllText(_box.Store, "somebody's notes, not a database");

        var (exit, output) = FakesProcess.Run(_box.Folder, _box.Environment(), _box.RunArgs("Steady"));

        Assert.Equal(2, exit);
        Assert.Contains(_box.Store, output);
        Assert.Equal("somebody's notes, not a database", File.ReadAllText(_box.Store));
    }

    [Fact]
    public void A_store_with_one_overwritten_page_is_named_as_damaged_without_a_stack_trace()
    {
        // Before: "database disk image is malformed" escaped as an unhandled exception.
        var environment = _box.Environment(trials: 6, steps: 40, stepMs: 0);
        Assert.Equal(0, FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady")).Exit);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var bytes = File.ReadAllBytes(_box.Store);
        Assert.True(bytes.Length >= 4 * 4096, "the store should span several pages");
        for (var i = 2 * 4096; i < 3 * 4096; i++) bytes[i] = 0x5A; // page 3: a table's b-tree page, overwritten
        File.WriteAllBytes(_box.Store, bytes);

        var (exit, output) = FakesProcess.Run(_box.Folder, environment, _box.RunArgs("Steady"));

        Assert.Equal(2, exit);
        Assert.Contains("damaged", output);
        Assert.Contains("Move it aside", output);
        Assert.DoesNotContain("Unhandled exception", output);
        Assert.DoesNotContain("   at ", output);
    }
}
