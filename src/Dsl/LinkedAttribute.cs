using System;

namespace Declarative
{
    /// <summary>
    /// Links sweep axes that vary together: all axes with the same <see cref="Group"/> must have the
    /// same number of values, and the i-th values of each form one point (a zip, not a product).
    /// The group as a whole is crossed with the other axes.
    /// </summary>
    /// <example>
    /// <code>
    /// // learning rate and batch size along a line of constant ratio lr/B
    /// [Values(0.01, 0.04, 0.16), Linked("line")] double LearningRate,
    /// [Values(32, 128, 512), Linked("line")] int BatchSize
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
    public sealed class LinkedAttribute : Attribute
    {
        /// <summary>Links this axis to the others of <paramref name="group"/>.</summary>
        public LinkedAttribute(string group) => Group = group;

        /// <summary>The group's name.</summary>
        public string Group { get; }
    }
}
