namespace Declarative.Runtime.Runner;

/// <summary>A running trial as shown: a label, its progress and last sampled loss.</summary>
public sealed record RunningTrialView(string Label, long Step, long TotalSteps, double? Loss, TimeSpan Running, bool Mine);
