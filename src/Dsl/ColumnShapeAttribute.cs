using System;

namespace Declarative
{
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
