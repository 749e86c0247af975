namespace Declarative.Runtime.Store;

/// <summary>A trial in state <c>running</c>: who holds it, how fresh its heartbeat is, and how far it got.</summary>
public sealed record RunningTrial(
    string TrialId,
    string Experiment,
    string Lease,
    string? Runner,
    string? Host,
    double HeartbeatAgeSeconds,
    double RunningSeconds,
    long Step,
    long TotalSteps,
    double? Loss);
