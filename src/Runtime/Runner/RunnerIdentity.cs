using System.Diagnostics;
using System.Globalization;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Names a runner process in the store as <c>host/pid/start-ticks</c>, so that a runner on the same
/// host can tell at once that the holder of a claim is dead (pid gone, or reused by a process that
/// started later) instead of waiting for its heartbeat to go stale.
/// </summary>
internal static class RunnerIdentity
{
    public static string Host { get; } = Environment.MachineName;

    public static string Current { get; } = Of(Environment.ProcessId, Process.GetCurrentProcess().StartTime.ToUniversalTime());

    private static string Of(int pid, DateTime startUtc) =>
        $"{Host}/{pid.ToString(CultureInfo.InvariantCulture)}/{(startUtc.Ticks / TimeSpan.TicksPerSecond).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>True when <paramref name="runner"/> names a process of this host that no longer runs.</summary>
    public static bool IsDeadLocal(string? runner)
    {
        if (runner is null) return false;
        var parts = runner.Split('/');
        if (parts.Length != 3 || parts[0] != Host || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pid)) return false;
        try
        {
            using var process = Process.GetProcessById(pid);
            if (process.HasExited) return true;
            var seconds = process.StartTime.ToUniversalTime().Ticks / TimeSpan.TicksPerSecond;
            return Math.Abs(seconds - long.Parse(parts[2], CultureInfo.InvariantCulture)) > 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return true;
        }
    }
}
