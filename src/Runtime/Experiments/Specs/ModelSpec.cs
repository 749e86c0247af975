namespace Declarative.Runtime.Experiments.Specs;

/// <summary>
/// A model as declared: kind, hidden sizes (Mlp), width multiplier, init scale, normalisation. The defaults are the
/// DSL's (<see cref="ModelAttribute"/>, <see cref="ResNetAttribute"/>).
/// </summary>
public sealed record ModelSpec(ModelKind Kind)
{
    public int[] Sizes { get; init; } = [];
    public double Width { get; init; } = ModelAttribute.DefaultWidth;
    public double InitScale { get; init; } = ModelAttribute.DefaultInitScale;
    public Normalization Normalization { get; init; }
    public int GhostBatchSize { get; init; } = ModelAttribute.DefaultGhostBatchSize;
    public int Blocks { get; init; } = ResNetAttribute.DefaultBlocks;
}
