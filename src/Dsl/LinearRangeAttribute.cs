using System;

namespace Declarative
{
    /// <summary>
    /// A sweep axis of <c>count</c> evenly spaced values from <c>from</c> to
    /// <c>to</c>, both included. On an <c>int</c> parameter the values are rounded and must stay distinct.
    /// </summary>
    /// <example>
    /// <code>[LinearRange(0.0, 0.4, 5)] double LabelNoise   // 0, 0.1, 0.2, 0.3, 0.4</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class LinearRangeAttribute : Attribute
    {
        /// <summary>Evenly spaced values, ends included.</summary>
        public LinearRangeAttribute(double from, double to, int count)
        {
            From = from;
            To = to;
            Count = count;
        }

        /// <summary>The first value.</summary>
        public double From { get; }

        /// <summary>The last value.</summary>
        public double To { get; }

        /// <summary>How many values (2 or more).</summary>
        public int Count { get; }
    }
}
