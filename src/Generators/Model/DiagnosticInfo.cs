using Declarative.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace Declarative.Generators.Model
{
    /// <summary>A diagnostic to report, held as values (descriptor id, location, message arguments).</summary>
    internal sealed record DiagnosticInfo(string Id, LocationInfo? Location, EquatableArray<string> Arguments)
    {
        public Diagnostic ToDiagnostic() =>
            Diagnostic.Create(Diagnostics.DiagnosticDescriptors.ById(Id), Location?.ToLocation(), System.Linq.Enumerable.ToArray<object>(Arguments));
    }
}
