namespace MyStudy;

/// <summary>
/// How the learning rate shapes plain SGD on Fashion-MNIST: a small MLP trained at three learning
/// rates, with its training loss every 50 steps and its test accuracy at each epoch's end.
/// </summary>
[Experiment(Epochs = 3, Seeds = 2)]
[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 4096, TestSubset = 1024)]
[FashionMnist]
[Mlp(128)]
[Sgd]
[Track(Instruments.BatchLoss, Every = 50)]
[Track(Instruments.TestAccuracy, AtEpochEnd = true)]
public partial record LearningRateSweep(
    [Values(0.01, 0.05, 0.2)] double LearningRate,
    [Values(64)] int BatchSize)
{
    /// <summary>Within this range, a larger learning rate learns more in the same number of steps.</summary>
    public static Claim AccuracyRisesWithLearningRate =>
        Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate, minRho: 0.5);
}
