using System.Globalization;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Names a runner process in the store as <c>host/pid/random-id</c>: the random id, drawn for each process, is what
/// identifies it, so two runners can never share one, whatever their host names and process-id namespaces
/// (containers started from one image, cloned machines, cluster nodes that report one name). The host and
/// process id are there for people reading the store; they are never compared.
/// <para>
/// Liveness: a runner's claims are taken over when their leases expire (no heartbeat for
/// <c>--stale-after</c>). To notice a dead runner of this machine at once instead, each runner holds an
/// exclusive lock (flock) on a file named by its id in <see cref="LockFolder"/> for as long as it lives;
/// the kernel drops the lock when the process dies, however it dies. A runner that finds the file and can
/// take the lock knows the holder is gone. Without the file (another machine, another /tmp) nothing is
/// concluded and the lease decides. Process ids are never used: another namespace may reuse them.
/// </para>
/// </summary>
internal static class RunnerIdentity
{
    private static readonly object Gate = new();
    private static FileStream? _lock;

    public static string Host { get; } = Environment.MachineName;

    /// <summary>This process's runner id; taking it the first time also takes its lock file.</summary>
    public static string Current { get; } =
        $"{Host}/{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}/{Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture)}";

    /// <summary>Where runners of this machine keep their lock files (one per live runner).</summary>
    public static string LockFolder { get; } = Environment.GetEnvironmentVariable("DECLARATIVE_RUNNER_LOCKS") is { Length: > 0 } folder
        ? folder : Path.Combine(Path.GetTempPath(), "declarative-runners");

    /// <summary>Takes this runner's lock file (idempotent); called before the runner claims its first trial.</summary>
    public static void Hold()
    {
        lock (Gate)
        {
            if (_lock is not null) return;
            try
            {
                Directory.CreateDirectory(LockFolder);
                _lock = new FileStream(LockFile(Id(Current)!), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Without a lock file, others fall back to this runner's leases: slower take-over, never a wrong one.
            }
        }
    }

    /// <summary>
    /// True only when <paramref name="runner"/> is known to be dead: its lock file is on this machine and no process
    /// holds its lock. False when it is alive or cannot be known here (then its leases decide).
    /// </summary>
    public static bool IsKnownDead(string? runner)
    {
        if (runner is null || runner == Current || Id(runner) is not { } id) return false;
        var path = LockFile(id);
        if (!File.Exists(path)) return false;
        try
        {
            using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // locked: its runner lives (or the file is not ours to judge)
        }
    }

    private static string LockFile(string id) => Path.Combine(LockFolder, id + ".lock");

    /// <summary>The random part of a runner id (its last segment); null for ids of another form (older stores named runners host/pid/start-seconds).</summary>
    private static string? Id(string runner)
    {
        var slash = runner.LastIndexOf('/');
        var id = slash < 0 ? runner : runner[(slash + 1)..];
        return id.Length == 32 && id.All(char.IsAsciiHexDigitLower) ? id : null;
    }
}
