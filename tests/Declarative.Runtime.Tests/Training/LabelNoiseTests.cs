using Declarative.Runtime.Data;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

public sealed class LabelNoiseTests
{
    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.37, 370)]
    [InlineData(0.2, 200)]
    [InlineData(1.0, 1000)]
    public void Flips_exactly_the_requested_fraction_to_other_classes(double fraction, int flipped)
    {
        using var clean = Synthetic.GaussianMixture(classes: 10, dimension: 3, train: 1000, test: 50, seed: 4);
        using var noisy = LabelNoise.Apply(clean, fraction, seed: 7);
        using var scope = NewDisposeScope();

        var changed = noisy.TrainLabels.ne(clean.TrainLabels);
        Assert.Equal(flipped, changed.sum().item<long>());
        Assert.Equal(flipped, noisy.FlippedMask!.sum().item<long>());
        Assert.True(changed.Same(noisy.FlippedMask!), "the mask marks exactly the changed labels");
        Assert.True(noisy.CleanTrainLabels!.Same(clean.TrainLabels));
        Assert.True(noisy.TestLabels.Same(clean.TestLabels), "the test set never gets noise");
        Assert.True(noisy.TrainInputs.Same(clean.TrainInputs));
        Assert.True(noisy.TrainLabels.ge(0).all().item<bool>() && noisy.TrainLabels.lt(10).all().item<bool>());
        Assert.Equal(fraction, noisy.NoiseFraction);
    }

    [Fact]
    public void Same_seed_same_flips_other_seed_other_flips()
    {
        using var clean = Synthetic.GaussianMixture(classes: 4, dimension: 3, train: 500, test: 10, seed: 4);
        using var a = LabelNoise.Apply(clean, 0.3, seed: 1);
        using var b = LabelNoise.Apply(clean, 0.3, seed: 1);
        using var c = LabelNoise.Apply(clean, 0.3, seed: 2);
        Assert.True(a.TrainLabels.Same(b.TrainLabels));
        Assert.False(a.FlippedMask!.Same(c.FlippedMask!));
    }

    [Fact]
    public void Disposing_the_noisy_set_keeps_the_source_usable()
    {
        using var clean = Synthetic.GaussianMixture(classes: 4, dimension: 3, train: 100, test: 10, seed: 4);
        LabelNoise.Apply(clean, 0.5, seed: 1).Dispose();
        using var scope = NewDisposeScope();
        Assert.Equal(100, clean.TrainLabels.shape[0]);
        Assert.True(double.IsFinite(clean.TrainInputs.sum().item<float>()));
    }
}
