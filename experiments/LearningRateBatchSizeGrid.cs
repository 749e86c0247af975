namespace Declarative.Experiments;

/// <summary>
/// How the learning rate, the batch size and momentum shape SGD on Fashion-MNIST: final test
/// accuracy, training loss and the distance travelled from initialisation over a 3 x 3 grid of
/// learning rate and batch size, with and without momentum (the raw material of the lr/B findings
/// of Jastrzebski et al. 2017, "Three factors influencing minima in SGD", and of Hoffer et al. 2017,
/// "Train longer, generalize better").
/// </summary>
[Experiment(Epochs = 5, Seeds = 3)]
[Smoke(Epochs = 1, Seeds = 2)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd]
[Track(Instruments.BatchLoss | Instruments.DistanceFromInit, Every = 100)]
[Track(Instruments.TrainLoss | Instruments.TestAccuracy, AtEpochEnd = true)]
public partial record LearningRateBatchSizeGrid(
    [Values(0.01, 0.05, 0.2)] double LearningRate,
    [Values(32, 128, 512)] int BatchSize,
    [Values(0.0, 0.9)] double Momentum)
{
    /// <summary>The ratio the lr/B findings are stated in.</summary>
    public double LearningRateOverBatchSize => LearningRate / BatchSize;

    /// <summary>At a fixed number of epochs, larger batches make fewer updates and reach a lower test accuracy: ranked within each learning rate and momentum, on average over them (Hoffer et al. 2017; Keskar et al. 2017).</summary>
    public static Claim AccuracyFallsWithBatchSize =>
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize);

    /// <summary>Noisier SGD (a larger lr/B) travels further from its initialisation (Xing et al. 2018; Hoffer et al. 2017).</summary>
    public static Claim DistanceGrowsWithNoise =>
        Expect.Increasing(r => r.Final(m => m.DistanceFromInit), by: p => p.LearningRateOverBatchSize);

    /// <summary>The distance from initialisation grows logarithmically in the number of updates (Hoffer et al. 2017).</summary>
    public static Claim DistanceIsLogarithmicInSteps =>
        Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 0.9);

    /// <summary>Batch 32 beats batch 512 in final test accuracy at the same number of epochs: compared within each learning rate and momentum, on average over them.</summary>
    public static Claim SmallBatchBeatsLargeBatch =>
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512);
}
