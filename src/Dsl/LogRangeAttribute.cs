using System;

namespace Declarative
{
    /// <summary>
    /// A sweep axis of <c>count</c> values spaced evenly in log scale from
    /// <c>from</c> to <c>to</c>, both included; both bounds must be positive.
    /// On an <c>int</c> parameter the values are rounded and must stay distinct.
    /// </summary>
    /// <example>
    /// <code>
    /// [LogRange(1e-3, 1.0, 4)] double LearningRate   // 0.001, 0.01, 0.1, 1
    /// [LogRange(32, 4096, 8)] int BatchSize          // 32, 64, ..., 4096
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class LogRangeAttribute : Attribute
    {
        /// <summary>Log-spaced values, ends included.</summary>
        public LogRangeAttribute(double from, double to, int count)
        {
            From = from;
            To = to;
            Count = count;
        }

        /// <summary>The first value (positive).</summary>
        public double From { get; }

        /// <summary>The last value (positive).</summary>
        public double To { get; }

        /// <summary>How many values (2 or more).</summary>
        public int Count { get; }
    }
}
