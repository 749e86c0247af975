namespace Declarative.Runtime.Experiments;

/// <summary>Trials that train together on one engine (a single trial is a group of one), in trial order.</summary>
public sealed record TrialGroup(IReadOnlyList<ITrial> Trials, Training.EngineChoice Engine);
