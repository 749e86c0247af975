namespace Declarative.Generators.Model
{
    /// <summary>A claim property of an experiment: its name and its doc comment's summary (the claim in the researcher's words).</summary>
    internal sealed record ClaimModel(string Name, string Summary);
}
