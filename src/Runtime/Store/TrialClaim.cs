namespace Declarative.Runtime.Store;

/// <summary>
/// A trial a runner has claimed. The lease is a fencing token: every later write about the trial
/// (heartbeat, completion, failure) names it and is ignored once another runner has taken the
/// trial over, so a runner or worker presumed dead can never overwrite a newer attempt.
/// </summary>
public sealed record TrialClaim(string TrialId, string Experiment, string Budget, string Lease, int Attempt);
