using Declarative;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// The packing benchmark through the runner: the benchmark's 784-256-256-10 MLP, plain SGD at batch 32,
/// eight seeds of one epoch on all of Fashion-MNIST, measured only at the end (so that the figure is
/// training and process start-up, not instruments).
/// </summary>
[Experiment(Epochs = 1, Seeds = 8)]
[Smoke(Epochs = 1, Seeds = 8)]
[FashionMnist]
[Mlp(256, 256)]
[Sgd(BatchSize = 32)]
[Track(Instruments.BatchLoss, AtEnd = true)]
public partial record EightSeeds([Values(0.01)] double LearningRate);
