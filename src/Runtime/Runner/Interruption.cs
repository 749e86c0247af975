using System.Globalization;
using System.Runtime.InteropServices;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Turns SIGINT and SIGTERM into a request to stop the sweep cleanly (workers stopped, their trials put
/// back, finished ones kept) instead of the default instant exit; also asks to stop when the wrapper that
/// started this runner is gone: <c>./build.sh</c> exports its process id as <see cref="WrapperVariable"/>, so
/// a wrapper killed outright (SIGKILL cannot be forwarded) never leaves a sweep running behind it.
/// </summary>
internal sealed class Interruption : IDisposable
{
    /// <summary>The environment variable naming the process whose end stops the runner.</summary>
    public const string WrapperVariable = "DECLARATIVE_WRAPPER_PID";

    private readonly PosixSignalRegistration[] _registrations;
    private readonly int? _wrapper;
    private volatile string? _reason;

    public Interruption(bool watchWrapper)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
        if (watchWrapper && Environment.GetEnvironmentVariable(WrapperVariable) is { Length: > 0 } text
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 1 && IsAncestor(pid))
            _wrapper = pid;
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is an ancestor of this process. The variable is inherited by everything the wrapper
    /// starts (tests, nested tools, a runner in another pid namespace where that pid means something else): only a
    /// runner the wrapper really started watches it.
    /// </summary>
    private static bool IsAncestor(int pid)
    {
        var current = Environment.ProcessId;
        for (var depth = 0; depth < 64 && current > 1; depth++)
        {
            try
            {
                // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText($"/proc/{current.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                current = int.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return false;
            }
            if (current == pid) return true;
        }
        return false;
    }

    /// <summary>Why the runner should stop (a signal's name, or the wrapper's end); null while it should go on.</summary>
    public string? Reason
    {
        get
        {
            if (_reason is null && _wrapper is { } pid && !Alive(pid)) _reason = $"the wrapper process {pid} that started this run ended";
            return _reason;
        }
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true; // the sweep loop stops at its next turn
        _reason ??= context.Signal == PosixSignal.SIGINT ? "SIGINT" : "SIGTERM";
    }

    private static bool Alive(int pid)
    {
        if (Directory.Exists("/proc/self")) return Directory.Exists($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}");
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
    }
}
