namespace Declarative.Runtime.Experiments;

public enum TrialStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Diverged,
}

/// <summary>How a trial ended: finished, or diverged (non-finite loss) at a step.</summary>
public sealed record TrialOutcome(TrialStatus Status, long Steps, string? Message = null)
{
    public static TrialOutcome Done(long steps) => new(TrialStatus.Done, steps);

    public static TrialOutcome Diverged(long step, double loss) =>
        new(TrialStatus.Diverged, step, $"loss became {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} at step {step}");
}
