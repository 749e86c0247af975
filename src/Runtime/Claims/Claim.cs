using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>The outcome of checking a claim: it holds, it fails, or too few trials finished to say.</summary>
public enum Verdict
{
    Holds,
    Fails,
    Inconclusive,
}

/// <summary>A checked claim: the verdict and the numbers behind it.</summary>
public sealed record ClaimResult(string Name, string Statement, Verdict Verdict, string Evidence);

/// <summary>
/// A finding an experiment states about its own results, checked by the runtime after the sweep.
/// Declared as a static property of the experiment record; the generator lists them by name.
/// </summary>
public abstract class Claim
{
    /// <summary>The declaring property's name (set by the generated code).</summary>
    public string Name { get; private set; } = "";

    /// <summary>The claim in words, with its statistic and threshold.</summary>
    public abstract string Statement { get; }

    public abstract ClaimResult Check(ExperimentResults results);

    /// <summary>Returns this claim with its name set; the generated catalogue calls it with the property name.</summary>
    public Claim Named(string name)
    {
        Name = name;
        return this;
    }
}
