namespace Declarative.Experiments;

/// <summary>
/// F7, width and the normalized noise scale (Park et al. 2019, "The effect of network width on
/// stochastic gradient descent and generalization"): without batch norm, the best test accuracy is
/// reached at an optimal normalized noise scale that grows with the network's width (proportionally,
/// in the paper), and wider networks reach higher accuracy. The noise scale of SGD is εN/B (Smith and
/// Le 2018: learning rate ε, training-set size N, batch size B); Park et al.'s normalized noise scale also
/// depends on the initialisation, which is fixed here, so at one batch size a fine log-spaced scan of the learning rate
/// (nine rates over two and a half decades, about 2x apart) is a scan of the normalized noise scale in
/// which the optimum can move. Constant SGD, as in the paper, trained for ten epochs. Widths 0.25 to 2 (hidden layers of
/// 64 to 512 units): four groups to rank.
/// </summary>
[Experiment(Epochs = 10, Seeds = 6, MaxSeeds = 12)]
[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd(BatchSize = 64)]
[Track(Instruments.TestAccuracy, AtEnd = true)]
[Track(Instruments.BatchLoss, Every = 100)]
public partial record WidthAndNoiseScale(
    [Values(0.25, 0.5, 1.0, 2.0)] double Width,
    [LogRange(0.004, 1.0, 9)] double LearningRate)
{
    /// <summary>Training examples N of the full budget (Fashion-MNIST's training set).</summary>
    public const int TrainExamples = 60_000;

    /// <summary>The noise scale εN/B at the default initialisation (the same for every trial).</summary>
    public double NormalizedNoiseScale => LearningRate * TrainExamples / 64;

    /// <summary>The normalized noise scale at which test accuracy peaks grows with width (each seed's best scale, ranked across widths).</summary>
    public static Claim OptimalNoiseScaleGrowsWithWidth =>
        Expect.OptimumMoves(r => r.Final(m => m.TestAccuracy), at: p => p.NormalizedNoiseScale, group: p => p.Width);

    /// <summary>Wider networks reach higher test accuracy: ranked within each learning rate, on average over them.</summary>
    public static Claim WiderIsBetter =>
        Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.Width);
}
