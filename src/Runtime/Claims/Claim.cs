using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A finding an experiment states about its own results, checked by the runtime after the sweep.
/// Declared as a static property of the experiment record; the generator lists them by name.
/// </summary>
public abstract class Claim
{
    /// <summary>The declaring property's name (set by the generated code).</summary>
    public string Name { get; private set; } = "";

    /// <summary>The declaring property's doc comment summary (set by the generated code), which heads the claim's verdict in the report.</summary>
    public string Summary { get; private set; } = "";

    /// <summary>The claim in words, with its statistic and threshold.</summary>
    public abstract string Statement { get; }

    /// <summary>
    /// Checks the claim on an experiment's results. A claim whose code throws (say, a selector that
    /// divides by a zero parameter) is reported as inconclusive with the exception's message rather
    /// than stopping the other claims and the report.
    /// </summary>
    public ClaimResult Check(ExperimentResults results)
    {
        try
        {
            return Evaluate(results) with { Summary = Summary };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ClaimResult(Name, Statement, Verdict.Inconclusive, $"checking the claim threw {e.GetType().Name}: {e.Message}") { Summary = Summary };
        }
    }

    /// <summary>
    /// Whether the claim's statistic may read trials of the sweep point with these parameters (its <c>where</c>, and for a
    /// comparison its <c>than</c>): the points that get more seeds while the claim is undecided (<see cref="AdaptiveSeeds"/>).
    /// A selector that throws counts the point in: more seeds there cost time, never a wrong verdict.
    /// </summary>
    internal bool Reads(IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        try
        {
            return ReadsPoint(parameters);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return true;
        }
    }

    /// <summary>See <see cref="Reads"/>; every point unless the claim kind selects points.</summary>
    private protected virtual bool ReadsPoint(IReadOnlyList<KeyValuePair<string, string>> parameters) => true;

    /// <summary>Computes the verdict; <see cref="Check"/> calls it and turns an exception into an inconclusive verdict.</summary>
    protected abstract ClaimResult Evaluate(ExperimentResults results);

    /// <summary>Returns this claim with its name (and summary) set; the generated catalogue calls it with the property's name and doc summary.</summary>
    public Claim Named(string name, string summary = "")
    {
        Name = name;
        Summary = summary;
        return this;
    }
}
