using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>
    /// A sweep axis: a positional parameter, its C# type (keyword or global:: name), its values as C#
    /// literals, and the group of axes it is linked with (null: crossed with the others).
    /// </summary>
    internal sealed record ParameterModel(string Name, string Type, string Reader, EquatableArray<string> Values, string? LinkGroup);
}
