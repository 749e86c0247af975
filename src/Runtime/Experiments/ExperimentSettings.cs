using System.Globalization;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// The effective size of one experiment's run at one budget: its length (exactly one of epochs,
/// steps, or a fixed number of updates whatever the batch size), seeds, and subsets (0 = whole set).
/// </summary>
public sealed record ExperimentSettings(int Epochs, int Seeds, int TrainSubset, int TestSubset, int Steps = 0, int Updates = 0)
{
    public string Describe()
    {
        static string N(int n) => n.ToString(CultureInfo.InvariantCulture);
        var length = Updates > 0 ? $"{N(Updates)} updates" : Steps > 0 ? $"{N(Steps)} steps" : $"{N(Epochs)} epoch(s)";
        return $"{length}, {N(Seeds)} seed(s), train subset {(TrainSubset == 0 ? "all" : N(TrainSubset))}, test subset {(TestSubset == 0 ? "all" : N(TestSubset))}";
    }
}
