using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>
    /// A declared component (data set, model, optimizer, schedule): its kind and its settings as
    /// C# expressions, either a literal from the attribute or <c>p.Member</c> from the record.
    /// </summary>
    internal sealed record ComponentModel(string Kind, EquatableArray<Setting> Settings);
}
