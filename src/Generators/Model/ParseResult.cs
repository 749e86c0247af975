using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>The result of parsing one [Experiment] declaration: a model when valid, and its diagnostics.</summary>
    internal sealed record ParseResult(ExperimentModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
