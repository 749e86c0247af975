using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>The declared data set: its kind and its settings as C# expressions (a literal, the DSL's default or <c>p.Member</c>).</summary>
    internal sealed record DataSetModel(DataSetKind Kind, EquatableArray<Setting> Settings);
}
