namespace Declarative
{
    /// <summary>The shape of the metric column an instrument writes.</summary>
    public enum ColumnShape
    {
        /// <summary>One number per sample (<c>double?</c> in the metric row).</summary>
        Scalar,

        /// <summary>A fixed-length vector per sample, e.g. top-k eigenvalues or a loss profile (<c>double[]?</c> in the metric row).</summary>
        Vector,
    }
}
