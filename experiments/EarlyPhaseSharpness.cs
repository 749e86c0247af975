namespace Declarative.Experiments;

/// <summary>
/// F3, the early phase of training (Jastrzebski et al. 2020, "The break-even point on optimization
/// trajectories of deep neural networks"): the largest Hessian eigenvalue rises fast early in
/// training, peaks, then falls or stabilises; the peak is lower for a larger learning rate or a
/// smaller batch. Three epochs, so that the small-lr/B points, which were still rising at the end of one epoch, reach their
/// peak; the peak's dependence on lr/B is claimed only over the trials that peaked before their last measurement.
/// </summary>
[Experiment(Epochs = 3, Seeds = 4, MaxSeeds = 8)]
[Smoke(Steps = 100, Seeds = 1, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd]
[Track(Instruments.HessianTopEigenvalues, LogSpaced = 4, TopK = 2, Examples = 512)]
[Track(Instruments.BatchLoss, Every = 20)]
[Track(Instruments.TestAccuracy, AtEnd = true)]
public partial record EarlyPhaseSharpness(
    [Values(0.01, 0.05, 0.2)] double LearningRate,
    [Values(32, 128, 512)] int BatchSize)
{
    /// <summary>The SGD noise level the finding is stated in.</summary>
    public double LearningRateOverBatchSize => LearningRate / BatchSize;

    /// <summary>
    /// The peak of the top eigenvalue is lower for noisier SGD (a larger lr/B), among the trials that reached their peak
    /// before their last measurement (a trial still rising at the end has no peak to compare).
    /// </summary>
    public static Claim PeakIsLowerForNoisierSgd =>
        Expect.Decreasing(r => r.Peak(m => m.HessianTopEigenvalues?[0]), by: p => p.LearningRateOverBatchSize,
            when: r => r.StepOfPeak(m => m.HessianTopEigenvalues?[0]) < r.LastStep(m => m.HessianTopEigenvalues?[0]));

    /// <summary>Sharpness rises early: its peak is more than 1.5 times its value after the first step.</summary>
    public static Claim SharpnessRisesEarly =>
        Expect.AtLeast(r => r.Peak(m => m.HessianTopEigenvalues?[0]) / r.Initial(m => m.HessianTopEigenvalues?[0]), 1.5);

    /// <summary>
    /// The rise is early: among the trials whose top eigenvalue peaked before their last measurement, the peak comes in the
    /// first half of training (then the eigenvalue falls or stabilises).
    /// </summary>
    public static Claim SharpnessPeaksEarly =>
        Expect.AtMost(r => r.StepOfPeak(m => m.HessianTopEigenvalues?[0]) / r.LastStep(m => m.HessianTopEigenvalues?[0]), 0.5,
            when: r => r.StepOfPeak(m => m.HessianTopEigenvalues?[0]) < r.LastStep(m => m.HessianTopEigenvalues?[0]));
}
