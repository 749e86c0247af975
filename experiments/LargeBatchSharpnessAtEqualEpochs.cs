namespace Declarative.Experiments;

/// <summary>
/// F6 at equal epochs: the sweep of <see cref="LargeBatchSharpness"/> trained for five epochs whatever the batch size, the
/// regime in which large batches are often compared but Keskar et al.'s statement is not made: the large batch makes 64
/// times fewer updates and ends under-trained, so its lower test accuracy and its curvature mix the batch's effect with
/// the training it missed. Set beside the matched-loss run, it shows how much of the gap at equal epochs is under-training.
/// </summary>
[Experiment(Epochs = 5, Seeds = 4, MaxSeeds = 8)]
[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd(LearningRate = 0.1)]
[Track(Instruments.EpsilonSharpness | Instruments.EpsilonSharpnessError | Instruments.EpsilonSharpnessSteps, AtEnd = true)]
[Track(Instruments.HessianTopEigenvalues, AtEnd = true, Examples = 1024)]
[Track(Instruments.GeneralizationGap | Instruments.TestAccuracy | Instruments.TrainAccuracy | Instruments.TrainLoss, AtEnd = true)]
public partial record LargeBatchSharpnessAtEqualEpochs(
    [LogRange(32, 2048, 4)] int BatchSize)
{
    /// <summary>After equal epochs, the large batch has trained less: its final training loss grows with the batch size.</summary>
    public static Claim LargerBatchTrainsLess =>
        Expect.Increasing(r => r.Final(m => m.TrainLoss), by: p => p.BatchSize);

    /// <summary>After equal epochs, test accuracy falls with the batch size.</summary>
    public static Claim LargerBatchGeneralisesWorse =>
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize);

    /// <summary>After equal epochs, ε-sharpness grows with the batch size.</summary>
    public static Claim LargerBatchIsSharper =>
        Expect.Increasing(r => r.Final(m => m.EpsilonSharpness), by: p => p.BatchSize);

    /// <summary>After equal epochs, the top Hessian eigenvalue grows with the batch size.</summary>
    public static Claim LargerBatchHasHigherCurvature =>
        Expect.Increasing(r => r.Final(m => m.HessianTopEigenvalues?[0]), by: p => p.BatchSize);
}
