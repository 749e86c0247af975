using Declarative;

namespace Declarative.EndToEnd.Fakes;

/// <summary>
/// A generated experiment whose trials pack: one MLP shape and batch size, learning rates, momenta and
/// seeds per trial, on a synthetic data set (no files). Used to test the runner's packing end to end.
/// </summary>
[Experiment(Epochs = 2, Seeds = 2)]
[Smoke(Epochs = 2, Seeds = 2)]
[GaussianMixture(Classes = 4, Dimensions = 16, Train = 512, Test = 128, Separation = 2.0)]
[Mlp(24)]
[Sgd(BatchSize = 32)]
[Track(Instruments.BatchLoss | Instruments.DistanceFromInit, Every = 8)]
[Track(Instruments.TrainLoss | Instruments.TestAccuracy, AtEpochEnd = true)]
public partial record Packable([Values(0.02, 0.05, 0.1)] double LearningRate, [Values(0.0, 0.5)] double Momentum);
