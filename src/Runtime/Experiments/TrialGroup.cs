namespace Declarative.Runtime.Experiments;

/// <summary>Trials that train together on one engine (a single trial is a group of one), in trial order.</summary>
public sealed record TrialGroup(IReadOnlyList<ITrial> Trials, Training.EngineChoice Engine)
{
    /// <summary>Each trial in a group of its own on the autograd engine, for experiments that train no stacked model (fakes, benchmarks).</summary>
    public static IReadOnlyList<TrialGroup> EachAlone(IReadOnlyList<ITrial> trials, string reason) =>
        trials.Select(t => new TrialGroup([t], new Training.EngineChoice(Training.EngineKind.Autograd, reason))).ToArray();
}
