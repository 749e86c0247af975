namespace Declarative.Generators.Model
{
    /// <summary>
    /// The size of a run at one budget: its length (epochs, steps or fixed updates), seeds and subsets. With a seed range
    /// <see cref="MaxSeeds"/> is above <see cref="Seeds"/> (0: a fixed seed count).
    /// </summary>
    internal sealed record BudgetModel(int Epochs, int Steps, int Updates, int Seeds, int TrainSubset, int TestSubset, int MaxSeeds = 0);
}
