namespace Declarative.Runtime.Experiments;

/// <summary>One trial of a sweep: a point of the sweep, a seed and the budget's settings.</summary>
public interface ITrial
{
    /// <summary>Stable identity derived from the trial's content (experiment, parameters, seed, settings).</summary>
    string Id { get; }

    int Seed { get; }

    ExperimentSettings Settings { get; }

    /// <summary>The sweep axes' values in declaration order, formatted invariantly.</summary>
    IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }
}
