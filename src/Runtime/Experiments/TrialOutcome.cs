namespace Declarative.Runtime.Experiments;

/// <summary>How a trial ended: finished, or diverged (non-finite loss) at a step; <see cref="Steps"/> is the updates it trained.</summary>
public sealed record TrialOutcome(TrialStatus Status, long Steps, string? Message = null)
{
    /// <summary>The epochs the trial trained (begun: a budget in steps may end one part-way); 0 when not known.</summary>
    public int Epochs { get; init; }

    /// <summary>
    /// With a target budget (<see cref="ExperimentSettings.Target"/>): whether the trial reached its target (it stopped at the epoch
    /// end <see cref="Epochs"/>, after <see cref="Steps"/> updates) or trained to the cap without reaching it; null without a target.
    /// </summary>
    public bool? ReachedTarget { get; init; }

    /// <summary>What produced this outcome (<see cref="Experiments.Provenance"/> as JSON), stored with it; the worker sets it.</summary>
    public string? Provenance { get; init; }

    public static TrialOutcome Done(long steps) => new(TrialStatus.Done, steps);

    /// <summary>The trial diverged: <paramref name="step"/> is the step whose loss was the first non-finite one (not the step at which it was noticed).</summary>
    public static TrialOutcome Diverged(long step, double loss) =>
        new(TrialStatus.Diverged, step, $"loss became {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} at step {step}");

    /// <summary>
    /// The rows to store with this outcome: for a diverged trial, those up to its divergence step (the row of that
    /// step included, as evidence); instruments measured after it, before the divergence was noticed, are dropped.
    /// </summary>
    public IReadOnlyList<IMetricRow> Kept(IReadOnlyList<IMetricRow> rows) =>
        Status == TrialStatus.Diverged ? rows.Where(r => r.Step <= Steps).ToArray() : rows;
}
