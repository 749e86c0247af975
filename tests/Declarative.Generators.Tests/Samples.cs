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
}
