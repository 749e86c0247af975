using Declarative.Runtime.Claims;

namespace Declarative.Runtime.Reports;

/// <summary>An experiment's results together with its checked claims: what the index page lists.</summary>
public sealed record ExperimentReport(ExperimentResults Results, IReadOnlyList<ClaimResult> Claims);
