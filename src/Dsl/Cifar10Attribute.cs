using System;

namespace Declarative
{
    /// <summary>
    /// CIFAR-10 in its binary format (<c>data_batch_1.bin</c> ... <c>data_batch_5.bin</c>,
    /// <c>test_batch.bin</c>) in a folder the user supplies.
    /// </summary>
    /// <example>
    /// <code>[Cifar10(EnvironmentVariable = "CIFAR10_DIR")]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class Cifar10Attribute : DataSetAttribute
    {
        /// <summary>The folder holding the binary batches (or use <see cref="EnvironmentVariable"/>).</summary>
        public string? Folder { get; set; }

        /// <summary>An environment variable naming the folder; it overrides <see cref="Folder"/> when set.</summary>
        public string? EnvironmentVariable { get; set; }
    }
}
