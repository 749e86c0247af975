using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>What instruments see after an optimizer step.</summary>
public sealed class TrainingState
{
    internal TrainingState(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, long totalSteps, int stepsPerEpoch)
    {
        Model = model;
        Data = data;
        TotalSteps = totalSteps;
        StepsPerEpoch = stepsPerEpoch;
    }

    public int StepsPerEpoch { get; }

    /// <summary>Whether a cadence is due after the next optimizer step (for instruments that must save θ_t before it).</summary>
    public bool IsDueNext(Experiments.Cadence cadence)
    {
        var next = Step + 1;
        return next <= TotalSteps && cadence.IsDue(next, next % StepsPerEpoch == 0, next == TotalSteps);
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public Data.ClassificationData Data { get; }
    public long TotalSteps { get; }

    /// <summary>Completed optimizer updates (1 after the first).</summary>
    public long Step { get; internal set; }

    /// <summary>The epoch of the last step (0-based).</summary>
    public int Epoch { get; internal set; }

    public bool IsEpochEnd { get; internal set; }
    public bool IsLast => Step == TotalSteps;

    /// <summary>The step's mini-batch loss (computed before the update), a scalar tensor.</summary>
    public Tensor BatchLoss { get; internal set; } = null!;

    /// <summary>The step's logits (computed before the update), detached.</summary>
    public Tensor BatchLogits { get; internal set; } = null!;

    /// <summary>The step's labels (a view of the epoch's shuffled labels).</summary>
    public Tensor BatchLabels { get; internal set; } = null!;
}
