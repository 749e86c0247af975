namespace Declarative.Generators.Model
{
    /// <summary>An instrument: its enum member name (also its runtime class and its column) and its column shape.</summary>
    internal sealed record InstrumentModel(string Name, bool IsVector);
}
