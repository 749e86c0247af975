namespace Declarative.Experiments;

/// <summary>
/// F7, width and the normalized noise scale (Park et al. 2019, "The effect of network width on
/// stochastic gradient descent and generalization"): without batch norm, the best test accuracy is
/// reached at an optimal noise scale (∝ lr/B at a fixed initialisation scale) that grows with the
/// network's width, and wider networks reach higher accuracy.
/// </summary>
[Experiment(Epochs = 3, Seeds = 2)]
[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd]
[Track(Instruments.TestAccuracy, AtEnd = true)]
[Track(Instruments.BatchLoss, Every = 50)]
public partial record WidthAndNoiseScale(
    [Values(0.25, 1.0, 4.0)] double Width,
    [LogRange(0.01, 0.3, 3)] double LearningRate,
    [Values(32, 256)] int BatchSize)
{
    /// <summary>The noise scale of SGD at a fixed training-set size and initialisation.</summary>
    public double NoiseScale => LearningRate / BatchSize;

    /// <summary>The noise scale at which test accuracy peaks grows with width.</summary>
    public static Claim OptimalNoiseScaleGrowsWithWidth =>
        Expect.OptimumMoves(r => r.Final(m => m.TestAccuracy), at: p => p.NoiseScale, group: p => p.Width);

    /// <summary>Wider networks reach higher test accuracy, at each learning rate and batch size.</summary>
    public static Claim WiderIsBetter =>
        Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.Width);
}
