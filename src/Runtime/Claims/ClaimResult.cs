using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>
/// A checked claim: the verdict and the numbers behind it, in words (<see cref="Evidence"/>) and by
/// name (<see cref="Numbers"/>, e.g. <c>rho</c>, <c>n</c>, <c>lower</c>), for reports and tests.
/// </summary>
public sealed record ClaimResult(string Name, string Statement, Verdict Verdict, string Evidence)
{
    /// <summary>The claim in the researcher's words: the doc comment summary of its declaring property (empty when it has none).</summary>
    public string Summary { get; init; } = "";

    /// <summary>The statistics behind the verdict by name (e.g. <c>rho</c>, <c>n</c>, <c>lower</c>).</summary>
    public IReadOnlyDictionary<string, double> Numbers { get; init; } = new Dictionary<string, double>();

    /// <summary>The data behind the verdict, drawn next to it in the report (null when there was nothing to draw).</summary>
    public EvidenceFigure? Figure { get; init; }
}
