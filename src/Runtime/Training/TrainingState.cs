using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>What instruments see after an optimizer step.</summary>
public sealed class TrainingState
{
    private readonly Func<long, bool>? _isEpochEnd;

    internal TrainingState(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, long totalSteps, int stepsPerEpoch, Func<long, bool>? isEpochEnd = null)
    {
        Model = model;
        Data = data;
        TotalSteps = totalSteps;
        StepsPerEpoch = stepsPerEpoch;
        _isEpochEnd = isEpochEnd;
    }

    /// <summary>Which member of its loop this is (0 for a trial trained alone).</summary>
    public int Member { get; internal set; }

    /// <summary>Steps of the current epoch (of the first before training starts); varies with a batch-size schedule.</summary>
    public int StepsPerEpoch { get; internal set; }

    /// <summary>Whether a cadence is due after the next optimizer step (for instruments that must save θ_t before it).</summary>
    public bool IsDueNext(Experiments.Cadence cadence)
    {
        var next = Step + 1;
        var epochEnd = _isEpochEnd?.Invoke(next) ?? (StepsPerEpoch > 0 && next % StepsPerEpoch == 0);
        // With a target budget every epoch end may be the last step: whether it is, is known only once the step is made.
        return next <= TotalSteps && cadence.IsDue(next, epochEnd, next == TotalSteps || (StopsAtTarget && epochEnd));
    }

    /// <summary>
    /// Whether the member trains under a target budget (<see cref="Experiments.ExperimentSettings.Target"/>): it may stop at any
    /// epoch end, so <see cref="IsDueNext"/> counts every epoch end as a possible last step.
    /// </summary>
    public bool StopsAtTarget { get; internal set; }

    /// <summary>
    /// Whether the member reached its target at this step (an epoch end): it stops here, and this step is its last
    /// (<see cref="IsLast"/>). Always false without a target budget.
    /// </summary>
    public bool ReachedTarget { get; internal set; }

    /// <summary>
    /// The member's declared learning rate (<see cref="LoopMember.DeclaredLearningRate"/>, the trial's
    /// <c>OptimizerSpec.LearningRate</c>): the base its schedule starts from. What the current step uses is
    /// <see cref="ScheduledLearningRate"/>.
    /// </summary>
    public double DeclaredLearningRate { get; internal init; }

    /// <summary>The learning rate of the current step, after schedules and regime adaptation (the declared one without them).</summary>
    public double ScheduledLearningRate { get; internal set; }

    /// <summary>The loop's declared batch size (the base of a batch-size schedule); the current step's is <see cref="BatchSize"/>.</summary>
    public int DeclaredBatchSize { get; internal init; }

    /// <summary>The batch size of the current step (varies with a batch-size schedule).</summary>
    public int BatchSize { get; internal set; }

    /// <summary>
    /// ‖g_t‖² of the gradient the member's optimizer applied at this step (before weight decay or momentum; with the penalty,
    /// of L + λ‖∇L‖²), a float64 scalar tensor from the engine's own buffers, when the loop was asked for the step's norms
    /// (<see cref="ClassificationLoop.MeasureNorms"/>); null otherwise.
    /// </summary>
    public Tensor? AppliedGradientNormSquared { get; internal set; }

    /// <summary>‖θ_{t+1} − θ_t‖² of this step's update, a float64 scalar tensor, when the step's norms were asked for; null otherwise.</summary>
    public Tensor? UpdateNormSquared { get; internal set; }

    /// <summary>With the gradient-norm penalty: ‖∇L‖² of the step's mini-batch (a scalar tensor, detached); null otherwise.</summary>
    public Tensor? BatchGradientNormSquared { get; internal set; }

    public nn.Module<Tensor, Tensor> Model { get; }
    public Data.ClassificationData Data { get; }
    public long TotalSteps { get; }

    /// <summary>Completed optimizer updates (1 after the first).</summary>
    public long Step { get; internal set; }

    /// <summary>The epoch of the last step (0-based).</summary>
    public int Epoch { get; internal set; }

    public bool IsEpochEnd { get; internal set; }
    /// <summary>Whether this is the member's last step: the budget's last, or the epoch end at which it reached its target.</summary>
    public bool IsLast => Step == TotalSteps || ReachedTarget;

    /// <summary>The step's mini-batch data loss L (computed before the update, without the gradient-norm penalty), a scalar tensor.</summary>
    public Tensor BatchLoss { get; internal set; } = null!;

    /// <summary>The step's logits (predictions for a regression task), computed before the update, detached.</summary>
    public Tensor BatchLogits { get; internal set; } = null!;

    /// <summary>The step's labels (a view of the epoch's shuffled labels).</summary>
    public Tensor BatchLabels { get; internal set; } = null!;
}
