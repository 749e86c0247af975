using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>
/// Where a claim applies: sweep points chosen by their parameters (<c>where</c>) and trials chosen by a
/// condition on their own results (<c>when</c>, e.g. "the eigenvalue peaked before half the budget").
/// Trials outside it are left out of the statistic and counted, so the report says how many were in and out.
/// </summary>
internal sealed class Regime<TPoint, TMetrics>
    where TMetrics : IMetricRow
{
    private readonly Func<TPoint, bool>? _where;
    private readonly Func<TrialResult<TPoint, TMetrics>, bool>? _when;
    private readonly string? _whereText;
    private readonly string? _whenText;

    public Regime(Func<TPoint, bool>? where, string? whereText, Func<TrialResult<TPoint, TMetrics>, bool>? when = null, string? whenText = null)
    {
        (_where, _when) = (where, when);
        _whereText = where is null ? null : ClaimText.Describe(whereText ?? "");
        _whenText = when is null ? null : ClaimText.Describe(whenText ?? "");
    }

    public bool IsEverything => _where is null && _when is null;

    /// <summary>" where LearningRate ≤ 0.25, in trials where …" (empty for the whole sweep).</summary>
    public string Statement =>
        (_whereText is null ? "" : $" where {_whereText}") + (_whenText is null ? "" : $", in trials where {_whenText}");

    /// <summary>The sweep point is in the regime's <c>where</c> (its trials may still fall outside <c>when</c>).</summary>
    public bool IncludesPoint(TPoint point) => _where is null || _where(point);

    public bool Includes(TrialResult<TPoint, TMetrics> trial) =>
        (_where is null || _where(trial.Point)) && (_when is null || _when(trial));

    /// <summary>The values inside the regime, and how many finished trials with a value fell outside it.</summary>
    public List<(TrialResult<TPoint, TMetrics> Trial, double Value)> Select(List<(TrialResult<TPoint, TMetrics> Trial, double Value)> values, out int outside)
    {
        var inside = values.Where(v => Includes(v.Trial)).ToList();
        outside = values.Count - inside.Count;
        return inside;
    }

    /// <summary>"; regime: 12 trials in, 4 out" (empty for the whole sweep).</summary>
    public string Counts(int inside, int outside) => IsEverything ? "" : $"; regime: {inside} trial{(inside == 1 ? "" : "s")} in, {outside} out";
}
