namespace Declarative.Runtime.Training;

/// <summary>
/// Regime adaptation (Hoffer et al. 2017, F5): a trial with batch size B trains for the number of
/// updates the base regime (batch size B₀, the declared epochs) makes, i.e. epochs · ⌊N / B₀⌋
/// updates whatever B (so epochs grow by about B / B₀, the last one may be partial), and its
/// learning rate is multiplied by √(B / B₀). Learning-rate schedules are defined over updates, so
/// their decay points move with the regime too. Either part can be applied alone (<paramref name="MoreUpdates"/>,
/// <paramref name="ScaledLearningRate"/>), so that each one's share of closing the large-batch gap is measured.
/// </summary>
public sealed record RegimeAdaptation(int BaseBatchSize, bool MoreUpdates = true, bool ScaledLearningRate = true)
{
    /// <summary>The total number of updates: <paramref name="epochs"/> epochs of the base batch size.</summary>
    public long TotalUpdates(int trainCount, int epochs)
    {
        if (BaseBatchSize <= 0 || BaseBatchSize > trainCount)
            throw new ArgumentOutOfRangeException(nameof(BaseBatchSize), BaseBatchSize, $"The base batch size of regime adaptation must be in 1..{trainCount} (the training examples).");
        return (long)epochs * (trainCount / BaseBatchSize);
    }

    /// <summary>√(B / B₀); 1 when the learning rate is not scaled.</summary>
    public double LearningRateFactor(int batchSize) => ScaledLearningRate ? Math.Sqrt((double)batchSize / BaseBatchSize) : 1;
}
