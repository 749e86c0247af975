namespace Declarative.Runtime.Claims;

/// <summary>The outcome of checking a claim: it holds, it fails, or too few trials finished to say.</summary>
public enum Verdict
{
    /// <summary>The statistic passed its threshold on enough finished trials.</summary>
    Holds,
    /// <summary>The statistic missed its threshold on enough finished trials.</summary>
    Fails,
    /// <summary>Too few trials finished (or the claim's code threw) to decide.</summary>
    Inconclusive,
}
