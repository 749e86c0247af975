using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Reports;

/// <summary>
/// What a report says about where its numbers come from: the code versions and libraries that produced the trials
/// (with a warning when one sweep mixes code versions or was built from uncommitted changes), how trials were
/// packed, the stored trials the declaration no longer has, and whether the sweep is complete.
/// </summary>
public static class ReportProvenance
{
    /// <summary>Bullet lines for "What was run".</summary>
    public static IReadOnlyList<string> Lines(ExperimentResults results)
    {
        var lines = new List<string>();
        var recorded = results.Trials.Select(t => Provenance.FromJson(t.Provenance)).OfType<Provenance>().ToArray();
        if (recorded.Length == 0)
            lines.Add("Code: not recorded (no finished trial carries its provenance: stored before it was kept, or none finished).");
        else
        {
            var versions = recorded.GroupBy(p => p.CodeVersion).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToArray();
            var missing = results.Trials.Count(t => t.Status is TrialStatus.Done or TrialStatus.Diverged) - recorded.Length;
            lines.Add(versions.Length == 1 && missing <= 0
                ? $"Code: `{versions[0].Key}` for every finished trial."
                : $"⚠️ **Mixed code versions**: {string.Join(", ", versions.Select(g => $"`{g.Key}` ({g.Count()} trial{(g.Count() == 1 ? "" : "s")})"))}" +
                  $"{(missing > 0 ? $", not recorded ({missing})" : "")}. Results from different code are compared here; rerun the older trials to compare like with like.");
            if (recorded.Any(p => p.Dirty == true))
                lines.Add("⚠️ Built from a work tree with uncommitted changes (`-dirty`): the commit alone does not reproduce these numbers.");
            var libraries = recorded.Select(p => $"Declarative {p.Declarative}, TorchSharp {p.TorchSharp}, libtorch {p.LibTorch} on {p.Device} with {p.Threads} thread{(p.Threads == 1 ? "" : "s")}")
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            lines.Add((libraries.Length == 1 ? "Libraries: " : "⚠️ Several library versions or devices: ") + string.Join("; ", libraries) + ".");
            var packed = recorded.Count(p => p.PackedWith.Count > 0);
            lines.Add(packed == 0
                ? "Packing: every trial trained alone."
                : $"Packing: {packed} of {recorded.Length} trials trained packed (stacked with up to {recorded.Max(p => p.PackedWith.Count)} others; same results as alone up to float rounding).");
        }
        if (results.Superseded > 0)
            lines.Add($"{results.Superseded} stored trial{(results.Superseded == 1 ? "" : "s")} of an earlier declaration (a removed point, or a changed derived value or default) left out.");
        return lines;
    }

    /// <summary>A warning for the claims section when some trials failed or have not run; null when the sweep is complete.</summary>
    public static string? IncompleteWarning(ExperimentResults results)
    {
        var failed = results.Trials.Count(t => t.Status == TrialStatus.Failed);
        var notRun = results.Trials.Count(t => t.Status is TrialStatus.Pending or TrialStatus.Running);
        if (failed == 0 && notRun == 0) return null;
        var parts = new List<string>();
        if (failed > 0) parts.Add($"{failed} failed");
        if (notRun > 0) parts.Add($"{notRun} not run yet");
        return $"⚠️ **Incomplete sweep**: {string.Join(" and ", parts)} of {results.Trials.Count} trials. These verdicts were computed without them and may change " +
               $"once they finish{(failed > 0 ? " (`--retry-failed` runs the failed ones again)" : "")}.";
    }
}
