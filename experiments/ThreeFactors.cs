namespace Declarative.Experiments;

/// <summary>
/// F4, three factors influencing minima (Jastrzebski et al. 2017, "Three factors influencing minima
/// in SGD"): the ratio of learning rate to batch size sets the width of the minimum SGD finds; the
/// endpoint is approximately invariant when both are scaled by the same factor; a higher ratio gives
/// flatter minima and less memorisation of noisy labels. The invariance breaks for a very large
/// learning rate: the grid includes that regime (lr 0.82 at B 512) and the claims say where they should hold.
/// Memorisation is measured on the flipped labels only (the 20% of training examples whose label noise
/// replaced the true class). Every trial trains until it fits 85% of its (noisy) training labels, at most 300 epochs
/// of a 10,000-example training set, and is compared there: at a fixed number of epochs a higher lr/B simply trains
/// faster and has memorised more by then (the full run at 60 epochs showed that), which says nothing about the minimum.
/// At a matched fit, fewer flipped labels memorised means more clean ones fitted. Trials that do not reach the fit
/// within the cap are outside the claims' regime and counted in the report.
/// </summary>
[Experiment(Epochs = 300, Seeds = 4, MaxSeeds = 8)]
[Smoke(Epochs = 1, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist(LabelNoise = 0.2, TrainSubset = 10_000)]
[TrainUntil(TrainAccuracy = 0.85)]
[Mlp(256, 256)]
[Sgd]
[Track(Instruments.HessianTopEigenvalues, AtEnd = true, Examples = 512)]
[Track(Instruments.FlippedLabelAccuracy | Instruments.TestAccuracy | Instruments.TrainAccuracy, AtEpochEnd = true)]
public partial record ThreeFactors(
    [Values(32, 128, 512)] int BatchSize,
    [Values(2e-4, 4e-4, 8e-4, 1.6e-3)] double RatioLrToBatch)
{
    /// <summary>Linked axis: the learning rate along lines of equal lr/B.</summary>
    public double LearningRate => RatioLrToBatch * BatchSize;

    /// <summary>
    /// Where the learning rate is moderate (≤ 0.25), the test accuracy at the matched fit depends on lr/B only: its variation along lines of
    /// equal lr/B is small (a mean square under a quarter) compared with its variation across them.
    /// </summary>
    public static Claim EndpointDependsOnTheRatioOnly =>
        Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.RatioLrToBatch, maxRatio: 0.25, where: p => p.LearningRate <= 0.25,
            when: r => r.ReachedTarget);

    /// <summary>A higher lr/B reaches the matched fit in a flatter region (lower top Hessian eigenvalue) at each batch size, where the learning rate is moderate.</summary>
    public static Claim HigherRatioFindsFlatterMinima =>
        Expect.Decreasing(r => r.Final(m => m.HessianTopEigenvalues?[0]), by: p => p.RatioLrToBatch, where: p => p.LearningRate <= 0.25,
            when: r => r.ReachedTarget);

    /// <summary>
    /// A higher lr/B memorises fewer of the flipped labels on its way to the matched fit (lower accuracy on the flipped training
    /// examples, measured against their noisy labels) at each batch size, where the learning rate is moderate.
    /// </summary>
    public static Claim HigherRatioMemorisesLess =>
        Expect.Decreasing(r => r.Final(m => m.FlippedLabelAccuracy), by: p => p.RatioLrToBatch, where: p => p.LearningRate <= 0.25,
            when: r => r.ReachedTarget);

    /// <summary>
    /// The same memorisation claim read at exactly the matched fit: the flipped-label accuracy where the training accuracy crosses
    /// 0.85, interpolated between the epoch ends around the crossing. The stop itself comes at the first epoch end past 0.85, and a
    /// faster-moving (higher lr/B) trial overshoots further there (up to 0.863 against 0.852 in the full run), which mostly adds
    /// memorised flipped labels; this reading compares every trial at the same fit.
    /// </summary>
    public static Claim HigherRatioMemorisesLessAtTheCrossing =>
        Expect.Decreasing(r => r.AtCrossing(m => m.FlippedLabelAccuracy, m => m.TrainAccuracy, 0.85), by: p => p.RatioLrToBatch,
            where: p => p.LearningRate <= 0.25, when: r => r.ReachedTarget);

    /// <summary>
    /// The invariance breaks at a very large learning rate: on the line lr/B = 1.6e-3, batch 512 at lr 0.82 reaches the matched
    /// fit with a lower test accuracy than batch 128 at lr 0.20 (the regime the paper names, outside the other claims' lr ≤ 0.25).
    /// </summary>
    public static Claim InvarianceBreaksAtVeryLargeLearningRate =>
        Expect.Less(r => r.Final(m => m.TestAccuracy),
            where: p => p.RatioLrToBatch == 1.6e-3 && p.BatchSize == 512, than: p => p.RatioLrToBatch == 1.6e-3 && p.BatchSize == 128,
            when: r => r.ReachedTarget);
}
