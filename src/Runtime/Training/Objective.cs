using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// The data loss of a task: mean cross-entropy on class labels, or mean squared error on float
/// targets when the data set is a regression task (<see cref="Data.ClassificationData.IsRegression"/>).
/// Instruments that evaluate a loss should call this so that regression tasks work everywhere.
/// </summary>
public static class Objective
{
    public static Tensor Loss(Tensor outputs, Tensor targets, bool regression) =>
        regression ? nn.functional.mse_loss(outputs, targets) : nn.functional.cross_entropy(outputs, targets);

    public static Tensor Loss(Tensor outputs, Tensor targets, Data.ClassificationData data) => Loss(outputs, targets, data.IsRegression);

    /// <summary>The summed loss over a chunk (for full-set means computed chunk by chunk).</summary>
    public static Tensor SumLoss(Tensor outputs, Tensor targets, bool regression) =>
        regression
            ? nn.functional.mse_loss(outputs, targets, reduction: nn.Reduction.Sum).div(Math.Max(1, outputs.numel() / Math.Max(1, outputs.shape[0])))
            : nn.functional.cross_entropy(outputs, targets, reduction: nn.Reduction.Sum);
}
