namespace Declarative.Runtime.Models;

public enum NormalizationKind
{
    None,

    /// <summary>Batch normalization over the whole mini-batch.</summary>
    BatchNorm,

    /// <summary>Ghost Batch Normalization: statistics over each virtual batch separately (Hoffer et al. 2017).</summary>
    GhostBatchNorm,
}
