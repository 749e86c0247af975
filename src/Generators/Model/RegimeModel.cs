namespace Declarative.Generators.Model
{
    /// <summary>
    /// Regime adaptation's spec expressions: the base batch size (0 when off for the trial), and, when the record splits it into
    /// its parts (a member of type <c>Adaptation</c>), whether the trial keeps its learning rate or its epochs.
    /// </summary>
    internal sealed record RegimeModel(string BaseBatchSize, string? KeepsLearningRate, string? KeepsEpochs);
}
