using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>
    /// A declared optimizer or schedule: its settings (the kind among them) as C# expressions, either a literal from the
    /// attribute, the DSL's default, or <c>p.Member</c> from the record.
    /// </summary>
    internal sealed record ComponentModel(EquatableArray<Setting> Settings);
}
