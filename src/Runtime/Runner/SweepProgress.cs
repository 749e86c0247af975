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
