using System;

namespace Declarative
{
    /// <summary>
    /// Marks an <see cref="Instruments"/> member that reads θ_t or the mini-batch gradient just before the
    /// optimizer's update (a hook into each trial's own training loop). Trials that track such an instrument
    /// train alone, never packed with other trials into one stacked model. Used by the generator.
    /// </summary>
    [AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
    public sealed class ObservesUpdateAttribute : Attribute
    {
    }
}
