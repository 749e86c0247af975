using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>A trial as stored: its identity, parameters, status and bookkeeping.</summary>
public sealed record TrialRecord(
    string Id,
    string Experiment,
    string Budget,
    int Seed,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    TrialStatus Status,
    int Attempts,
    long Steps,
    double Seconds,
    string? Host,
    string? Error)
{
    public string? Parameter(string name) => Parameters.FirstOrDefault(p => p.Key == name).Value;

    /// <summary>What produced the trial's results (<see cref="Experiments.Provenance"/>, as JSON); null for trials not finished, or stored before provenance was kept.</summary>
    public string? Provenance { get; init; }

    /// <summary>The epochs the trial trained (<see cref="TrialOutcome.Epochs"/>); null for trials not finished, or stored before schema version 4.</summary>
    public int? Epochs { get; init; }

    /// <summary>
    /// Under a target budget (<c>[TrainUntil]</c>): whether the trial reached its target (after <see cref="Steps"/> updates, at the end of
    /// epoch <see cref="Epochs"/>) or trained to the cap without it; null without a target, or for trials not finished.
    /// </summary>
    public bool? ReachedTarget { get; init; }
}
