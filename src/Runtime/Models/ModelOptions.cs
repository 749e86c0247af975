namespace Declarative.Runtime.Models;

/// <summary>
/// What the seed experiments vary about a model: a width multiplier on every hidden width or channel
/// count (rounded, at least 1), a factor on the default initialisation of every linear and convolution
/// weight and bias (normalisation layers keep weight 1 and bias 0), and the normalisation layers.
/// </summary>
public sealed record ModelOptions
{
    public static ModelOptions Default { get; } = new();

    public double WidthMultiplier { get; init; } = 1;
    public double InitScale { get; init; } = 1;
    public ModelNormalization Normalization { get; init; } = ModelNormalization.None;

    internal int Width(int baseWidth)
    {
        if (WidthMultiplier <= 0) throw new ArgumentOutOfRangeException(nameof(WidthMultiplier), WidthMultiplier, "The width multiplier must be positive.");
        return Math.Max(1, (int)Math.Round(baseWidth * WidthMultiplier, MidpointRounding.AwayFromZero));
    }
}
