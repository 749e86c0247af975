namespace Declarative.Runtime.Experiments;

/// <summary>What a target budget (<c>[TrainUntil]</c>) watches on the training set.</summary>
public enum TargetMetric
{
    /// <summary>Mean cross-entropy on the training set: the target is met when it is at most the target value.</summary>
    TrainLoss = 1,

    /// <summary>Accuracy on the training set: the target is met when it is at least the target value.</summary>
    TrainAccuracy = 2,
}
