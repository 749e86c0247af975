namespace Declarative.Runtime.Runner;

/// <summary>The sweep at one moment, for the progress views.</summary>
public sealed record SweepProgress(
    int Total,
    int Done,
    int Diverged,
    int Failed,
    IReadOnlyList<RunningTrialView> Running,
    int Left,
    TimeSpan Elapsed,
    TimeSpan? Eta);

/// <summary>A running trial as shown: a label, its progress and last sampled loss.</summary>
public sealed record RunningTrialView(string Label, long Step, long TotalSteps, double? Loss, TimeSpan Running, bool Mine);

/// <summary>Where the runner reports what happens.</summary>
public interface IProgressView
{
    /// <summary>Runs the sweep's loop; the view renders while it runs.</summary>
    void Run(Action<IProgressSink> loop);
}

public interface IProgressSink
{
    void Message(string line);
    void Started(string label);
    void Finished(string label, string status, string detail);
    void Update(SweepProgress progress);
}
