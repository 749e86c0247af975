namespace Declarative.Runtime.Training;

/// <summary>The engine a group of trials trains on, and why (shown by <c>list</c> and the run log).</summary>
public sealed record EngineChoice(EngineKind Engine, string Reason);
