namespace Declarative.Generators.Model
{
    /// <summary>What the catalogue and the duplicate-name check need of one experiment.</summary>
    internal sealed record CatalogEntry(string ExperimentName, string FullyQualifiedName, LocationInfo? Location, bool NamedExplicitly = false);
}
