using Declarative.Runtime.Schedules;

namespace Declarative.Runtime.Training;

/// <summary>
/// The training variants of a <see cref="ClassificationLoop"/> beyond batch size, epochs and seed.
/// Everything defaults to plain training: the optimizer's own learning rate, a constant batch size, no
/// penalty, the declared number of epochs.
/// </summary>
public sealed record TrainingOptions
{
    public static TrainingOptions Default { get; } = new();

    /// <summary>
    /// The learning rate per update (t = updates made so far, T = total updates) of a loop built from one model
    /// and its optimizer. Null keeps the optimizer's learning rate (times the regime factor, if any). A loop
    /// built from an engine takes each member's schedule from its <see cref="LoopMember"/>.
    /// </summary>
    public Schedule? LearningRate { get; init; }

    /// <summary>The batch size per epoch (t = epoch, T = epochs). Null keeps the loop's batch size.</summary>
    public BatchSizeSchedule? BatchSize { get; init; }

    /// <summary>
    /// λ of the explicit gradient-norm penalty (F2): the loop minimises L + λ‖∇L‖², with ∇L the mini-batch
    /// gradient, by double backward. 0 turns it off (one ordinary backward).
    /// </summary>
    public double GradientPenalty { get; init; }

    /// <summary>Regime adaptation: a fixed number of updates whatever the batch size, lr × √(B / B₀).</summary>
    public RegimeAdaptation? Regime { get; init; }

    /// <summary>
    /// How often (in steps) <see cref="ClassificationLoop.LossIsFinite(int, out double)"/> reads the recorded losses back to the
    /// host; epoch ends and the last step are always checked. Larger values save host syncs and delay the
    /// detection of a divergence by at most this many steps minus one.
    /// </summary>
    public int DivergenceCheckEvery { get; init; } = DivergenceMonitor.DefaultCheckEvery;

    /// <summary>An explicit number of updates (overrides epochs and the regime's count); epochs repeat as needed.</summary>
    public long? TotalUpdates { get; init; }
}
