using System.Diagnostics;
using System.Reflection;

namespace Declarative.Runtime.Runner;

/// <summary>
/// One trial's worker process: the experiments executable re-invoked with the hidden <c>worker</c>
/// command. Keeps the last lines of its stderr for the failure record, holds its stdin open (the
/// worker ends itself when the runner dies), and kills it at the trial's time limit.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int TailLines = 20;
    private readonly Process _process;
    private readonly Queue<string> _stderr = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public WorkerProcess(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Under `dotnet app.dll` the process is the host; re-invoke it with the same entry assembly.
        var host = Environment.ProcessPath!;
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = host;
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        else start.FileName = host;
        foreach (var a in arguments) start.ArgumentList.Add(a);
        _process = new Process { StartInfo = start };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                _stderr.Enqueue(e.Data);
                if (_stderr.Count > TailLines) _stderr.Dequeue();
            }
        };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) LastOutput = e.Data; };
        _process.Start();
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Id => _process.Id;
    public TimeSpan Elapsed => _clock.Elapsed;
    public bool HasExited => _process.HasExited;
    public string? LastOutput { get; private set; }
    public bool TimedOut { get; private set; }

    /// <summary>Exit code once exited (128 + n when killed by signal n).</summary>
    public int ExitCode
    {
        get
        {
            _process.WaitForExit(); // drains the redirected streams
            return _process.ExitCode;
        }
    }

    public string StderrTail
    {
        get
        {
            lock (_stderr) return string.Join("\n", _stderr);
        }
    }

    public void KillForTimeout()
    {
        TimedOut = true;
        Kill();
    }

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }

    /// <summary>Says how the process ended in words: exit code, or the signal that killed it.</summary>
    public static string DescribeExit(int code) => code switch
    {
        > 128 and < 160 => $"killed by signal {code - 128} ({Signal(code - 128)}; exit code {code})",
        _ => $"exit code {code}",
    };

    private static string Signal(int n) => n switch
    {
        6 => "SIGABRT: the process aborted, e.g. a native error or Environment.FailFast",
        9 => "SIGKILL: killed, e.g. by the out-of-memory killer or a time limit",
        11 => "SIGSEGV: invalid memory access in native code",
        15 => "SIGTERM: terminated",
        _ => "signal " + n,
    };

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
