namespace Declarative.Runtime.Experiments;

/// <summary>The effective size of one experiment's run at one budget (0 for a subset means the whole set).</summary>
public sealed record ExperimentSettings(int Epochs, int Seeds, int TrainSubset, int TestSubset)
{
    public string Describe() =>
        $"{Epochs} epoch(s), {Seeds} seed(s), train subset {(TrainSubset == 0 ? "all" : TrainSubset.ToString(System.Globalization.CultureInfo.InvariantCulture))}, " +
        $"test subset {(TestSubset == 0 ? "all" : TestSubset.ToString(System.Globalization.CultureInfo.InvariantCulture))}";
}
