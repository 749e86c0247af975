using System;

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

    /// <summary>Marks an <see cref="Instruments"/> member whose column is not a scalar. Used by the generator.</summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ColumnShapeAttribute : Attribute
    {
        /// <summary>Declares the column's shape.</summary>
        public ColumnShapeAttribute(ColumnShape shape) => Shape = shape;

        /// <summary>The column's shape.</summary>
        public ColumnShape Shape { get; }
    }
}
