using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>Which normalisation layer a model puts after each hidden linear or convolution layer.</summary>
public sealed record ModelNormalization(NormalizationKind Kind, int VirtualBatchSize = 0)
{
    public static ModelNormalization None { get; } = new(NormalizationKind.None);
    public static ModelNormalization Batch { get; } = new(NormalizationKind.BatchNorm);

    public static ModelNormalization Ghost(int virtualBatchSize)
    {
        if (virtualBatchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(virtualBatchSize), virtualBatchSize, "Ghost batch norm needs a positive virtual batch size.");
        return new(NormalizationKind.GhostBatchNorm, virtualBatchSize);
    }

    /// <summary>The layer for <paramref name="features"/> channels (1d: [N, C]; 2d: [N, C, H, W]), or null for none.</summary>
    internal nn.Module<Tensor, Tensor>? Create(long features, bool spatial) => Kind switch
    {
        NormalizationKind.None => null,
        NormalizationKind.BatchNorm => spatial ? nn.BatchNorm2d(features) : nn.BatchNorm1d(features),
        NormalizationKind.GhostBatchNorm => new GhostBatchNorm(features, VirtualBatchSize, spatial),
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown normalisation."),
    };

    public override string ToString() => Kind == NormalizationKind.GhostBatchNorm ? $"GhostBatchNorm({VirtualBatchSize})" : Kind.ToString();
}
