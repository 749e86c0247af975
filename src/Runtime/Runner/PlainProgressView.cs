using System.Globalization;

namespace Declarative.Runtime.Runner;

/// <summary>Line-by-line progress for logs and CI: one line per trial start and end, and a summary line every <c>every</c>.</summary>
public sealed class PlainProgressView(TextWriter output, TimeSpan every) : IProgressView, IProgressSink
{
    private DateTime _lastSummary = DateTime.UtcNow;

    public void Run(Action<IProgressSink> loop) => loop(this);

    public void Message(string line) => output.WriteLine(line);

    public void Started(string label) => output.WriteLine($"  start {label}");

    public void Finished(string label, string status, string detail) =>
        output.WriteLine($"  {status,-8} {label}{(detail.Length == 0 ? "" : ": " + detail)}");

    public void Update(SweepProgress p)
    {
        if (DateTime.UtcNow - _lastSummary < every) return;
        _lastSummary = DateTime.UtcNow;
        output.WriteLine(Summary(p));
    }

    public static string Summary(SweepProgress p)
    {
        var running = string.Join("; ", p.Running.Select(r =>
            $"{r.Label} step {r.Step}/{r.TotalSteps}{(r.Loss is { } l ? " loss " + l.ToString("G4", CultureInfo.InvariantCulture) : "")}"));
        return $"progress: {p.Done} done, {p.Diverged} diverged, {p.Failed} failed, {p.Running.Count} running, {p.Left} left" +
            $"; elapsed {Format(p.Elapsed)}{(p.Eta is { } eta ? ", ETA " + Format(eta) : "")}{(running.Length == 0 ? "" : " [" + running + "]")}";
    }

    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:D2}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:D2}s" : $"{t.TotalSeconds:F0}s";
}
