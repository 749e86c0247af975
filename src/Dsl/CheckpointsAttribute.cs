using System;

namespace Declarative
{
    /// <summary>
    /// Keeps periodic weight checkpoints of every trial when the run keeps weights
    /// (<c>./build.sh RunExperiments --keep-weights</c>): one <c>.npy</c> file per tensor and a JSON
    /// manifest under <c>artifacts/weights/&lt;experiment&gt;/&lt;trial&gt;/step-NNNNNNNN/</c>, besides the
    /// initial and final weights every kept trial has.
    /// </summary>
    /// <example>
    /// <code>[Checkpoints(Every = 1_000)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class CheckpointsAttribute : Attribute
    {
        /// <summary>Save the weights every N optimizer steps.</summary>
        public int Every { get; set; }
    }
}
