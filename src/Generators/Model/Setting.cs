namespace Declarative.Generators.Model
{
    /// <summary>One named setting of a component, as a C# expression.</summary>
    internal sealed record Setting(string Name, string Expression);
}
