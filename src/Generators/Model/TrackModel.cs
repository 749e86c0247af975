using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>One [Track]: the instruments, the cadence as a runtime expression and as text, and the options' initializers.</summary>
    internal sealed record TrackModel(EquatableArray<InstrumentModel> Instruments, string CadenceExpression, string CadenceText, EquatableArray<string> Options);
}
