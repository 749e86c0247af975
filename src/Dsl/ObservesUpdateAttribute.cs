using System;

namespace Declarative
{
    /// <summary>
    /// Marks an <see cref="Instruments"/> member that reads θ_t or the mini-batch gradient just before the
    /// optimizer's update (a hook into each trial's own training loop). The training engine hands such an
    /// instrument its trial's θ_t and gradient before the updates it is due at, also when the trial trains
    /// packed with others into one stacked model (it then copies them out of the stack at those steps only).
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ObservesUpdateAttribute : Attribute
    {
    }
}
