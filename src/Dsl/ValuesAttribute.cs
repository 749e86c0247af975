using System;

namespace Declarative
{
    /// <summary>
    /// The explicit values of a sweep axis. Put it on a positional parameter of an experiment record;
    /// every combination of the axes' values (times the seeds) is one trial, unless axes are
    /// <see cref="LinkedAttribute">linked</see>.
    /// </summary>
    /// <example>
    /// <code>
    /// [Values(0.01, 0.05, 0.1)] double LearningRate
    /// [Values(OptimizerKind.Sgd, OptimizerKind.Adam)] OptimizerKind Optimizer
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class ValuesAttribute : Attribute
    {
        /// <summary>Floating-point values.</summary>
        public ValuesAttribute(params double[] values) => Values = values;

        /// <summary>Integer values.</summary>
        public ValuesAttribute(params int[] values) => Values = values;

        /// <summary>Text values (names of variants).</summary>
        public ValuesAttribute(params string[] values) => Values = values;

        /// <summary>Boolean values (a variant switched on and off).</summary>
        public ValuesAttribute(params bool[] values) => Values = values;

        /// <summary>Values of an enum (optimizer kinds, normalisations, ...).</summary>
        public ValuesAttribute(params object[] values) => Values = values;

        /// <summary>The values as declared.</summary>
        public Array Values { get; }
    }
}
