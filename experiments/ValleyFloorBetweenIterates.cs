namespace Declarative.Experiments;

/// <summary>
/// F1, a walk with SGD (Xing et al. 2018, "A Walk with SGD"): the loss on the segment between two
/// consecutive iterates is roughly convex, with its minimum (the valley floor) strictly inside the
/// segment for most of training, so SGD bounces between valley walls above the floor; a larger
/// learning rate keeps the iterate higher above the floor, and a smaller batch makes it travel further.
/// </summary>
[Experiment(Epochs = 2, Seeds = 4, MaxSeeds = 8)]
[Smoke(Steps = 300, Seeds = 1, TrainSubset = 10_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd]
[Track(Instruments.InterpolationProfile | Instruments.InterpolationMinimum | Instruments.InterpolationHeight, Every = 25, Examples = 1024)]
[Track(Instruments.DistanceFromInit | Instruments.BatchLoss, Every = 25)]
[Track(Instruments.TestAccuracy, AtEnd = true)]
public partial record ValleyFloorBetweenIterates(
    [Values(0.02, 0.1)] double LearningRate,
    [Values(32, 256)] int BatchSize)
{
    /// <summary>For most of training the minimum of the segment's loss lies strictly inside it (0 &lt; α* &lt; 1).</summary>
    public static Claim FloorIsInsideTheSegment =>
        Expect.AtLeast(r => r.Fraction(m => m.InterpolationMinimum, a => a > 0 && a < 1), 0.5);

    /// <summary>A larger learning rate keeps the iterate higher above the valley floor.</summary>
    public static Claim LargerStepBouncesHigher =>
        Expect.Greater(r => r.Mean(m => m.InterpolationHeight), where: p => p.LearningRate == 0.1, than: p => p.LearningRate == 0.02);

    /// <summary>A smaller batch makes SGD travel further from its initialisation in the same number of epochs.</summary>
    public static Claim SmallerBatchTravelsFurther =>
        Expect.Greater(r => r.Final(m => m.DistanceFromInit), where: p => p.BatchSize == 32, than: p => p.BatchSize == 256);
}
