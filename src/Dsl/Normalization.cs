namespace Declarative
{
    /// <summary>How hidden layers are normalised.</summary>
    public enum Normalization
    {
        /// <summary>No normalisation.</summary>
        None,

        /// <summary>Batch normalisation over the whole mini-batch.</summary>
        BatchNorm,

        /// <summary>Ghost Batch Normalization: statistics over virtual batches of <c>GhostBatchSize</c> inside the mini-batch (Hoffer et al. 2017).</summary>
        GhostBatchNorm,
    }
}
