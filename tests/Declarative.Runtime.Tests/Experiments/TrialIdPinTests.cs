using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;

namespace Declarative.Runtime.Tests.Experiments;

/// <summary>
/// Ids stored in users' result stores must not move when the spec's types do: these are the ids the shipped
/// EarlyPhaseSharpness and the Packable fake had when kinds were strings and defaults were written in the spec.
/// </summary>
public sealed class TrialIdPinTests
{
    [Fact]
    public void A_Fashion_MNIST_MLP_trial_keeps_its_id()
    {
        var settings = new ExperimentSettings(0, 1, 8000, 2000, Steps: 100);
        var spec = new TrialSpec
        {
            Seed = 0,
            Settings = settings,
            Data = new DataSpec(DataSetKind.FashionMnist) { LabelNoise = 0 },
            Model = new ModelSpec(ModelKind.Mlp) { Sizes = [256, 256] },
            Optimizer = new OptimizerSpec { Kind = OptimizerKind.Sgd, LearningRate = 0.01, BatchSize = 32 },
        };

        Assert.Equal("b897edb2c0cb148e", TrialId.Compute("EarlyPhaseSharpness", [new("LearningRate", "0.01"), new("BatchSize", "32")], 0, settings, spec));
    }

    [Fact]
    public void A_Gaussian_mixture_trial_keeps_its_id()
    {
        var settings = new ExperimentSettings(2, 2, 0, 0);
        var spec = new TrialSpec
        {
            Seed = 0,
            Settings = settings,
            Data = new DataSpec(DataSetKind.GaussianMixture) { Classes = 4, Dimensions = 16, Train = 512, Test = 128, Separation = 2.0, Seed = 1 },
            Model = new ModelSpec(ModelKind.Mlp) { Sizes = [24] },
            Optimizer = new OptimizerSpec { Kind = OptimizerKind.Sgd, LearningRate = 0.02, BatchSize = 32 },
        };

        Assert.Equal("615ba98a085b8fe8", TrialId.Compute("Packable", [new("LearningRate", "0.02"), new("Momentum", "0")], 0, settings, spec));
    }
}
