using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Stands in for an experiment's claims when building them threw (say, a threshold out of range):
/// the report then says so, inconclusive, instead of the whole report being lost.
/// </summary>
internal sealed class UnbuildableClaim(string message) : Claim
{
    public override string Statement => "the experiment's claims could not be built, so none was checked";

    /// <summary>It reads no trial, so more seeds cannot decide it: with a seed range it asks for none.</summary>
    private protected override bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) => false;

    protected override ClaimResult Evaluate(ExperimentResults results) =>
        new(Name, Statement, Verdict.Inconclusive, message);
}
