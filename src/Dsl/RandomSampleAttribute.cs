using System;

namespace Declarative
{
    /// <summary>
    /// A sweep axis of <c>count</c> values drawn uniformly (or log-uniformly with
    /// <see cref="Log"/>) from [<c>from</c>, <c>to</c>] with a fixed
    /// <see cref="Seed"/>: the same declaration always gives the same values, computed at compile time.
    /// </summary>
    /// <example>
    /// <code>[RandomSample(1e-3, 0.5, 16, Log = true, Seed = 7)] double LearningRate</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class RandomSampleAttribute : Attribute
    {
        /// <summary>The seed of the draw when <see cref="Seed"/> is not given.</summary>
        public const int DefaultSeed = 1;

        /// <summary>Random values in a range.</summary>
        public RandomSampleAttribute(double from, double to, int count)
        {
            From = from;
            To = to;
            Count = count;
        }

        /// <summary>The lower bound.</summary>
        public double From { get; }

        /// <summary>The upper bound.</summary>
        public double To { get; }

        /// <summary>How many values.</summary>
        public int Count { get; }

        /// <summary>Draw log-uniformly (both bounds positive).</summary>
        public bool Log { get; set; }

        /// <summary>The seed of the draw. Default 1.</summary>
        public int Seed { get; set; } = DefaultSeed;
    }
}
