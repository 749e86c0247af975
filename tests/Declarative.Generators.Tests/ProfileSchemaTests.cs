using Declarative.Runtime.Experiments;

namespace Declarative.Generators.Tests;

/// <summary>The generated schema carries the α grid of a loss profile, so reports plot it against α rather than the entry index.</summary>
public sealed class ProfileSchemaTests
{
    [Fact]
    public void A_profile_column_carries_its_declared_alpha_grid_and_other_vectors_none()
    {
        var source = Samples.Grid.Replace(
            "[Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEpochEnd = true)]",
            "[Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEpochEnd = true)]\n" +
            "[Track(Instruments.InterpolationProfile, Every = 4, AlphaFrom = -1, AlphaTo = 1, AlphaPoints = 5)]\n" +
            "[Track(Instruments.HessianTopEigenvalues, AtEnd = true, TopK = 2)]");
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(source));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Grid+Definition")!)!;

        var columns = definition.Schema.Columns;

        Assert.Equal([-1, -0.5, 0, 0.5, 1], columns.Single(c => c.Name == "InterpolationProfile").Alphas!);
        Assert.Null(columns.Single(c => c.Name == "HessianTopEigenvalues").Alphas);
        Assert.All(columns.Where(c => !c.IsVector), c => Assert.Null(c.Alphas));
    }
}
