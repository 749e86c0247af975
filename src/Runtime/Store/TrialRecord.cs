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
}
