namespace Declarative.Experiments;

/// <summary>
/// F6, large-batch training (Keskar et al. 2017, "On large-batch training for deep learning:
/// generalization gap and sharp minima"): large batches converge to sharper minima and generalise
/// worse than small batches (32–512 examples) at the same number of epochs.
/// </summary>
[Experiment(Epochs = 5, Seeds = 2)]
[Smoke(Epochs = 2, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd(LearningRate = 0.05)]
[Track(Instruments.EpsilonSharpness | Instruments.HessianTopEigenvalues, AtEnd = true, Examples = 1024)]
[Track(Instruments.GeneralizationGap | Instruments.TestAccuracy | Instruments.TrainAccuracy, AtEnd = true)]
public partial record LargeBatchSharpness(
    [LogRange(32, 2048, 4)] int BatchSize)
{
    /// <summary>ε-sharpness of the final weights grows with the batch size.</summary>
    public static Claim LargerBatchIsSharper =>
        Expect.Increasing(r => r.Final(m => m.EpsilonSharpness), by: p => p.BatchSize);

    /// <summary>The top Hessian eigenvalue of the final weights grows with the batch size.</summary>
    public static Claim LargerBatchHasHigherCurvature =>
        Expect.Increasing(r => r.Final(m => m.HessianTopEigenvalues?[0]), by: p => p.BatchSize);

    /// <summary>Test accuracy falls with the batch size.</summary>
    public static Claim LargerBatchGeneralisesWorse =>
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize);
}
