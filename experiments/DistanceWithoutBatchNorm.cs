namespace Declarative.Experiments;

/// <summary>
/// F5's distance claim, checked for the reason it failed. In <see cref="TrainLongerGeneralizeBetter"/> the weights of the
/// batch-norm MLP moved from their initialisation as a power law in the number of updates (t^0.34 to t^0.42), not as Hoffer
/// et al.'s logarithm. A likely reason: batch norm makes each hidden layer's output invariant to the scale of the weights
/// before it, and without weight decay plain SGD then grows those weights' norm steadily (the gradient is orthogonal to
/// the weights, so every step lengthens them), a radial drift that a logarithm does not describe. If so, the same network
/// without batch norm, trained the same way, should move logarithmically. Both are run here side by side: F5's small-batch
/// point (B 64, lr 0.05, ten epochs, 9,370 updates) with and without batch norm.
/// </summary>
[Experiment(Epochs = 10, Seeds = 4, MaxSeeds = 8)]
[Smoke(Epochs = 1, Seeds = 2, TrainSubset = 4_096, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd(LearningRate = 0.05, BatchSize = 64)]
[Track(Instruments.DistanceFromInit, LogSpaced = 5)]
[Track(Instruments.TestAccuracy, AtEnd = true)]
public partial record DistanceWithoutBatchNorm(
    [Values(Normalization.None, Normalization.BatchNorm)] Normalization Normalization)
{
    /// <summary>Without batch norm, ‖θ_t − θ_0‖ is linear in ln t within each trial (R² above 0.9): the explanation's prediction.</summary>
    public static Claim DistanceGrowsLogarithmicallyWithoutBatchNorm =>
        Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 0.9, where: p => p.Normalization == Normalization.None);

    /// <summary>With batch norm, as in F5, ‖θ_t − θ_0‖ is linear in ln t (F5's claim on this point alone; it failed there over the sweep).</summary>
    public static Claim DistanceGrowsLogarithmicallyWithBatchNorm =>
        Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 0.9, where: p => p.Normalization == Normalization.BatchNorm);
}
