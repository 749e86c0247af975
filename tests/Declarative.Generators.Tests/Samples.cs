namespace Declarative.Generators.Tests;

internal static class Samples
{
    /// <summary>The shape of the shipped first experiment, small enough to train in a test.</summary>
    public const string Grid = """
        namespace Sample;

        using Declarative;

        /// <summary>
        /// A small grid of <c>LearningRate</c> and batch size.
        /// </summary>
        [Experiment(Epochs = 2, Seeds = 2)]
        [Smoke(Epochs = 1, Seeds = 1, TrainSubset = 256)]
        [FashionMnist]
        [Mlp(16)]
        [Sgd]
        [Track(Instruments.BatchLoss | Instruments.DistanceFromInit, Every = 4)]
        [Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEpochEnd = true)]
        public partial record Grid(
            [Values(0.05, 0.1)] double LearningRate,
            [Values(16, 32)] int BatchSize)
        {
            public double Ratio => LearningRate / BatchSize;
        }
        """;

    /// <summary>A record that uses the training variants, linked-free sweeps of an enum and a range, derived members.</summary>
    public const string Variants = """
        namespace Sample;
        using Declarative;

        /// <summary>Optimizers with label noise, ghost batch norm, a cosine schedule with warm-up and the gradient penalty.</summary>
        [Experiment(Updates = 12, Seeds = 1)]
        [GaussianMixture(Classes = 4, Dimensions = 16, Train = 256, Test = 128)]
        [Mlp(32, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 8)]
        [AnyOptimizer(LearningRate = 0.05)]
        [LearningRateSchedule(ScheduleKind.Cosine, WarmupSteps = 3)]
        [GradientPenalty(Coefficient = 0.01)]
        [Track(Instruments.BatchLoss, Every = 4)]
        [Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEnd = true)]
        public partial record Variants(
            [Values(OptimizerKind.Nesterov, OptimizerKind.AdamW, OptimizerKind.RAdam)] OptimizerKind Optimizer,
            [LinearRange(0.0, 0.2, 2)] double LabelNoise)
        {
            public int BatchSize => 32;
            public double Momentum => 0.9;
        }
        """;
}
