using System;

namespace Declarative
{
    /// <summary>
    /// Any data set in the IDX format of MNIST (MNIST, KMNIST, ...): <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>
    /// (plain or <c>.gz</c>) in a folder the user supplies.
    /// </summary>
    /// <example>
    /// <code>[Idx("MNIST", EnvironmentVariable = "MNIST_DIR")]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class IdxAttribute : DataSetAttribute
    {
        /// <summary>An IDX data set called <paramref name="name"/>.</summary>
        public IdxAttribute(string name) => Name = name;

        /// <summary>The data set's name, for reports and messages.</summary>
        public string Name { get; }

        /// <summary>The folder holding the four files (or use <see cref="EnvironmentVariable"/>).</summary>
        public string? Folder { get; set; }

        /// <summary>An environment variable naming the folder; it overrides <see cref="Folder"/> when set.</summary>
        public string? EnvironmentVariable { get; set; }
    }
}
