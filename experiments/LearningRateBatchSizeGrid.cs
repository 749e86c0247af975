namespace Declarative.Experiments;

/// <summary>
/// How the learning rate and the batch size shape plain SGD on Fashion-MNIST: final test accuracy,
/// training loss and the distance travelled from initialisation over a 3 x 3 grid of learning rate
/// and batch size (the raw material of the lr/B findings of Jastrzebski et al. 2017, "Three factors
/// influencing minima in SGD", and Hoffer et al. 2017, "Train longer, generalize better").
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
    [Values(32, 128, 512)] int BatchSize)
{
    /// <summary>The ratio the lr/B findings are stated in.</summary>
    public double LearningRateOverBatchSize => LearningRate / BatchSize;
}
