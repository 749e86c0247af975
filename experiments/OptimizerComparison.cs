namespace Declarative.Experiments;

/// <summary>
/// F8, comparing optimizers with controlled runs (Liu et al. 2020 on RAdam and its re-examinations;
/// Wilson et al. 2017 on adaptive methods): Rectified Adam is not generally better than Adam, tuned
/// SGD with momentum often generalises best, and momentum accelerates convergence over plain SGD
/// at the same learning rate. Every optimizer runs several seeds; the report shows loss curves with
/// seed bands and final accuracies with confidence intervals. Ten epochs, so that the comparison is of trained networks
/// (RAdam's variance warm-up slows only its first epochs), and up to 16 seeds, since the equivalence margin is one point.
/// </summary>
[Experiment(Epochs = 10, Seeds = 4, MaxSeeds = 16)]
[Smoke(Epochs = 1, Seeds = 2, TrainSubset = 8_000, TestSubset = 2_000)]
[FashionMnist]
[Mlp(256, 256)]
[AnyOptimizer(Momentum = 0.9, BatchSize = 128)]
[Track(Instruments.BatchLoss, Every = 25)]
[Track(Instruments.TrainLoss | Instruments.TestAccuracy, AtEpochEnd = true)]
public partial record OptimizerComparison(
    [Values(OptimizerKind.Sgd, OptimizerKind.Momentum, OptimizerKind.Nesterov, OptimizerKind.Adam, OptimizerKind.AdamW, OptimizerKind.RAdam)] OptimizerKind Optimizer)
{
    /// <summary>Each optimizer at a learning rate in its usual range: 0.05 for the SGD family, 0.001 for the Adam family.</summary>
    public double LearningRate => Optimizer is OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov ? 0.05 : 0.001;

    /// <summary>AdamW's decoupled weight decay (0.01, its usual default); without it AdamW is Adam. The others train without decay.</summary>
    public double WeightDecay => Optimizer == OptimizerKind.AdamW ? 0.01 : 0.0;

    /// <summary>Momentum converges faster than plain SGD at the same learning rate: lower final training loss.</summary>
    public static Claim MomentumAccelerates =>
        Expect.Less(r => r.Final(m => m.TrainLoss), where: p => p.Optimizer == OptimizerKind.Momentum, than: p => p.Optimizer == OptimizerKind.Sgd);

    /// <summary>RAdam is not better than Adam: their final test accuracies are equivalent within one percentage point (two one-sided tests).</summary>
    public static Claim RAdamIsNotBetterThanAdam =>
        Expect.Equivalent(r => r.Final(m => m.TestAccuracy), where: p => p.Optimizer == OptimizerKind.RAdam, than: p => p.Optimizer == OptimizerKind.Adam, margin: 0.01);

    /// <summary>SGD with momentum generalises at least as well as Adam: its final test accuracy is not lower by more than one percentage point.</summary>
    public static Claim MomentumGeneralisesAtLeastAsWellAsAdam =>
        Expect.NotLower(r => r.Final(m => m.TestAccuracy), where: p => p.Optimizer == OptimizerKind.Momentum, than: p => p.Optimizer == OptimizerKind.Adam, margin: 0.01);
}
