using System.Globalization;
using System.Text;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Renders one experiment's report as markdown, in the order a reader asks: what was found (the
/// claims and their verdicts with the evidence), what was run (sweep, budget, metrics), the table of
/// final metrics per sweep point (mean ± standard deviation over seeds), the plots, the trials that
/// did not finish, every trial, and the declaration. Numbers are printed with
/// <see cref="SignificantDigits"/> significant digits; the report holds no timestamps, paths or host
/// names, so it is stable for snapshot tests. Plots are linked relative to the report as
/// <c>&lt;Name&gt;/&lt;file&gt;.png</c>.
/// </summary>
public static class MarkdownReport
{
    public const int SignificantDigits = 4;

    public static string Render(ExperimentResults results) => Render(results, [], [], []);

    public static string Render(ExperimentResults results, IReadOnlyList<ClaimResult> claims, IReadOnlyList<ReportPlot> plots,
        IReadOnlyList<string>? plotProblems = null) => Render(results, claims, plots, plotProblems, null);

    /// <summary>The report, with the rounds of a seed range (<paramref name="seeds"/>, null for a fixed seed count) under "What was run".</summary>
    internal static string Render(ExperimentResults results, IReadOnlyList<ClaimResult> claims, IReadOnlyList<ReportPlot> plots,
        IReadOnlyList<string>? plotProblems, AdaptiveSeeds.Plan? seeds)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(results.Name).Append("\n\n");
        if (results.Summary.Length > 0) md.Append(results.Summary).Append("\n\n");

        AppendClaims(md, results, claims, plots);
        AppendRun(md, results, seeds);
        AppendResultsTable(md, results);
        AppendPlots(md, results, plots, plotProblems ?? []);
        AppendUnfinished(md, results);
        AppendTrialsTable(md, results);

        md.Append("## Declaration\n\n```csharp\n").Append(results.Declaration.TrimEnd()).Append("\n```\n");
        return md.ToString();
    }

    public static string Mark(Verdict verdict) => verdict switch
    {
        Verdict.Holds => "✅ holds",
        Verdict.Fails => "❌ fails",
        _ => "⚠️ inconclusive",
    };

    /// <summary>"2 hold, 1 fails, 1 inconclusive" (or "no claims declared").</summary>
    public static string Tally(IReadOnlyList<ClaimResult> claims)
    {
        if (claims.Count == 0) return "no claims declared";
        var holds = claims.Count(c => c.Verdict == Verdict.Holds);
        var fails = claims.Count(c => c.Verdict == Verdict.Fails);
        var inconclusive = claims.Count(c => c.Verdict == Verdict.Inconclusive);
        var parts = new List<string>();
        if (holds > 0) parts.Add($"{holds} {(holds == 1 ? "holds" : "hold")}");
        if (fails > 0) parts.Add($"{fails} {(fails == 1 ? "fails" : "fail")}");
        if (inconclusive > 0) parts.Add($"{inconclusive} inconclusive");
        return string.Join(", ", parts);
    }

    private static void AppendClaims(StringBuilder md, ExperimentResults results, IReadOnlyList<ClaimResult> claims, IReadOnlyList<ReportPlot> plots)
    {
        md.Append("## Claims\n\n");
        if (claims.Count == 0)
        {
            md.Append("The experiment declares no claim: the tables and plots below are its result.\n\n");
            return;
        }
        if (ReportProvenance.IncompleteWarning(results) is { } incomplete) md.Append(incomplete).Append("\n\n");
        md.Append("Checked on the trials that finished; diverged and failed trials are left out and counted. ")
          .Append("**").Append(Tally(claims)).Append(".**\n\n");
        foreach (var claim in claims)
        {
            md.Append("- **").Append(Mark(claim.Verdict)).Append("** · `").Append(claim.Name).Append('`');
            if (claim.Summary.Length > 0) md.Append(": *").Append(Inline(claim.Summary)).Append(".*  \n  Checked as: ");
            else md.Append(": ");
            md.Append(Inline(claim.Statement)).Append(".  \n")
              .Append("  Evidence: ").Append(Inline(claim.Evidence)).Append(".\n");
            if (plots.FirstOrDefault(p => p.Section == ReportPlots.ClaimsSection && p.FileName == ReportPlots.EvidenceFile(claim.Name)) is { } figure)
                md.Append("\n  ").Append(Inline(figure.Caption)).Append(":\n\n  ![").Append(Path.GetFileNameWithoutExtension(figure.FileName)).Append("](").Append(results.Name).Append('/').Append(figure.FileName).Append(")\n\n");
        }
        md.Append('\n');
    }

    /// <summary>The seed range's rounds: the looks, the round reached, the seeds each point got, and the look behind each claim's verdict.</summary>
    private static void AppendRounds(StringBuilder md, ExperimentResults results, AdaptiveSeeds.Plan seeds)
    {
        var s = results.Settings;
        var looks = seeds.Looks.Count;
        md.Append($"- Seeds: adaptive, {s.MinSeeds} to {s.Seeds} per point, looks planned at {string.Join(", ", seeds.Looks)} seeds; each look tests a claim at " +
                  $"(1 − confidence)/(2·{looks}) per side, so a claim with no effect behind it holds at most at the nominal rate however the rounds end (docs/claims.md, \"Adaptive seeds: when to stop\").\n");
        md.Append($"- Rounds: {seeds.Round} of {looks}{(seeds.Finished ? "" : " (not finished)")}: ")
          .Append(string.Join("; ", seeds.Rounds.Select((r, i) => $"round {i + 1} ran {r.Count} trial(s) at {r.Select(t => string.Join(", ", t.Parameters.Select(p => p.Key + "=" + p.Value))).Distinct().Count()} point(s)")))
          .Append(".\n");
        md.Append("- Seeds per point reached: ")
          .Append(string.Join("; ", seeds.SeedsPerPoint.GroupBy(p => p.Seeds).OrderByDescending(g => g.Key)
              .Select(g => $"{g.Key} at {(g.Count() <= 4 ? string.Join(", ", g.Select(p => p.Point.Length == 0 ? "the single point" : p.Point)) : $"{g.Count()} points")}")))
          .Append(".\n");
        if (seeds.Verdicts.Count > 0)
            md.Append("- Claims: ").Append(string.Join("; ", seeds.Verdicts.Select((v, i) => $"{v.Name} {v.Verdict.ToString().ToLowerInvariant()} at look {seeds.LookOf[i]} ({seeds.Looks[seeds.LookOf[i] - 1]} seeds per point)"))).Append(".\n");
    }

    private static void AppendRun(StringBuilder md, ExperimentResults results, AdaptiveSeeds.Plan? seeds)
    {
        md.Append("## What was run\n\n");
        var points = results.Points().Count;
        if (results.Axes.Count > 0)
        {
            var groups = LinkedGroups(results);
            var combinations = groups.Aggregate(1L, (n, g) => n * results.AxisValues(g[0]).Count);
            md.Append("- Sweep: ")
              .Append(string.Join(" × ", groups.Select(g => g.Count == 1
                  ? $"{g[0]} ∈ {{{string.Join(", ", results.AxisValues(g[0]))}}}"
                  : $"({string.Join(", ", g)}) ∈ {{{string.Join(", ", results.AxisValues(g[0]).Select(v => "(" + string.Join(", ", g.Select(a => results.Trials.First(t => t.Parameter(g[0]) == v).Parameter(a))) + ")"))}}} (linked)")))
              .Append($": {points} sweep point{(points == 1 ? "" : "s")}")
              .Append(points < combinations ? $" of the {combinations} combinations (the others are excluded)" : "")
              .Append(".\n");
        }
        md.Append("- Budget `").Append(results.Budget.Name).Append("`: ").Append(results.Settings.Describe()).Append(".\n");
        if (seeds is not null && results.Settings.AdaptiveSeeds) AppendRounds(md, results, seeds);
        var counts = Enum.GetValues<TrialStatus>()
            .Select(s => (Status: s, Count: results.Trials.Count(t => t.Status == s)))
            .Where(c => c.Count > 0)
            .Select(c => $"{c.Count} {c.Status.ToString().ToLowerInvariant()}");
        md.Append("- Trials: ").Append(results.Trials.Count).Append(" (").Append(string.Join(", ", counts)).Append(").\n");
        foreach (var line in ReportProvenance.Lines(results)) md.Append("- ").Append(line).Append('\n');
        if (results.Schema.Columns.Count > 0)
            md.Append("- Metrics: ")
              .Append(string.Join(", ", results.Schema.Columns.Select(c => $"{c.Name} ({(c.IsVector ? "vector, " : "")}{c.Cadence})")))
              .Append(".\n");
        md.Append('\n');
    }

    /// <summary>
    /// The sweep axes in groups: axes whose values move together one to one over the trials (declared [Linked], or
    /// derived from each other) form one group, shown as the line of values they are; every other axis is its own group.
    /// </summary>
    private static List<List<string>> LinkedGroups(ExperimentResults results)
    {
        var groups = new List<List<string>>();
        foreach (var axis in results.Axes)
        {
            var values = results.AxisValues(axis).Count;
            var group = values > 1 ? groups.FirstOrDefault(g => results.AxisValues(g[0]).Count == values &&
                results.Trials.Select(t => (t.Parameter(g[0]), t.Parameter(axis))).Distinct().Count() == values) : null;
            if (group is null) groups.Add([axis]); else group.Add(axis);
        }
        return groups;
    }

    private static void AppendResultsTable(StringBuilder md, ExperimentResults results)
    {
        md.Append("## Results\n\n");
        md.Append("Final value of each metric (its last sample in the trial), mean ± standard deviation over the seeds that finished. ")
          .Append("For a vector metric, its first entry: the final value, the peak over the trial and the step of that peak; for a loss profile along a line, the α of its final minimum.");
        if (results.Settings.Target is { } goal)
            md.Append(" Each trial trained until ").Append(goal.Describe()).Append(" at an epoch end, at most ").Append(results.Settings.Epochs).Append(" epoch(s): ")
              .Append("*reached target* counts the finished seeds that reached it, and every other column is over those seeds only, at their stop ")
              .Append("(a seed that missed the target stopped at a worse fit, so its values would not compare; it is listed under Trials).");
        md.Append("\n\n");
        var finals = results.FinalValues();
        var columns = results.Schema.Columns.Select((c, i) => (Column: c, Index: i)).Where(c => !c.Column.IsVector).ToArray();
        var vectors = results.Schema.Columns.Select((c, i) => (Column: c, Index: i)).Where(c => c.Column.IsVector && c.Column.Alphas is null).ToArray();
        var profiles = results.Schema.Columns.Select((c, i) => (Column: c, Index: i)).Where(c => c.Column.IsVector && c.Column.Alphas is not null).ToArray();
        var minima = ProfileMinima(results, profiles.Select(p => p.Index).ToArray());
        var firstEntries = FirstEntries(results, vectors.Select(v => v.Index).ToArray());

        md.Append('|');
        foreach (var axis in results.Axes) md.Append(' ').Append(axis).Append(" |");
        md.Append(" seeds done |");
        var target = results.Settings.Target;
        if (target is not null) md.Append(" reached target | updates to target | epochs to target |");
        foreach (var c in columns) md.Append(' ').Append(c.Column.Name).Append(" |");
        foreach (var v in vectors) md.Append($" {v.Column.Name}[1] final | {v.Column.Name}[1] peak | step of {v.Column.Name}[1] peak |");
        foreach (var p in profiles) md.Append($" α at the minimum of the final {p.Column.Name} |");
        md.Append('\n').Append('|').Append(string.Concat(Enumerable.Repeat("---|", results.Axes.Count + 1 + (target is null ? 0 : 3) + columns.Length + 3 * vectors.Length + profiles.Length))).Append('\n');

        foreach (var point in results.Points())
        {
            var trials = point.ToArray();
            var done = trials.Where(t => t.Status == TrialStatus.Done).ToArray();
            md.Append('|');
            foreach (var axis in results.Axes) md.Append(' ').Append(trials[0].Parameter(axis)).Append(" |");
            md.Append(' ').Append(done.Length).Append('/').Append(trials.Length).Append(" |");
            if (target is not null)
            {
                var reached = done.Where(t => t.ReachedTarget == true).ToArray();
                md.Append(' ').Append(reached.Length).Append('/').Append(done.Length).Append(" |")
                  .Append(' ').Append(reached.Length == 0 ? "–" : MeanAndSpread(reached.Select(t => (double)t.Steps).ToArray())).Append(" |")
                  .Append(' ').Append(reached.Length == 0 ? "–" : MeanAndSpread(reached.Select(t => (double)(t.Epochs ?? 0)).ToArray())).Append(" |");
                done = reached;
            }
            foreach (var (_, i) in columns)
            {
                var values = done.Select(t => finals.TryGetValue(t.Id, out var f) ? f[i] : null)
                    .Where(v => v.HasValue).Select(v => v!.Value).ToArray();
                md.Append(' ').Append(values.Length == 0 ? "–" : MeanAndSpread(values)).Append(" |");
            }
            foreach (var (_, i) in vectors)
            {
                var entries = done.Select(t => firstEntries.TryGetValue((t.Id, i), out var e) ? e : ((double, double, double)?)null)
                    .Where(e => e.HasValue).Select(e => e!.Value).ToArray();
                foreach (var pick in new Func<(double Final, double Peak, double Step), double>[] { e => e.Final, e => e.Peak, e => e.Step })
                    md.Append(' ').Append(entries.Length == 0 ? "–" : MeanAndSpread(entries.Select(pick).ToArray())).Append(" |");
            }
            foreach (var (_, i) in profiles)
            {
                var at = done.Where(t => minima.ContainsKey((t.Id, i))).Select(t => minima[(t.Id, i)]).ToArray();
                md.Append(' ').Append(at.Length == 0 ? "–" : MeanAndSpread(at)).Append(" |");
            }
            md.Append('\n');
        }
        md.Append('\n');
    }

    private static void AppendPlots(StringBuilder md, ExperimentResults results, IReadOnlyList<ReportPlot> plots, IReadOnlyList<string> problems)
    {
        foreach (var section in plots.Where(p => p.Section != ReportPlots.ClaimsSection).GroupBy(p => p.Section))
        {
            md.Append("## ").Append(section.Key).Append("\n\n");
            foreach (var plot in section)
                md.Append(Inline(plot.Caption)).Append(".\n\n")
                  .Append("![").Append(Path.GetFileNameWithoutExtension(plot.FileName)).Append("](").Append(results.Name).Append('/').Append(plot.FileName).Append(")\n\n");
        }
        if (problems.Count > 0)
        {
            md.Append("Plots that could not be drawn:\n\n");
            foreach (var problem in problems) md.Append("- ").Append(Inline(problem)).Append('\n');
            md.Append('\n');
        }
    }

    private static void AppendUnfinished(StringBuilder md, ExperimentResults results)
    {
        md.Append("## Trials that did not finish\n\n");
        var unfinished = results.Trials.Where(t => t.Status != TrialStatus.Done).ToArray();
        if (unfinished.Length == 0)
        {
            md.Append("Every trial finished.\n\n");
            return;
        }
        var diverged = unfinished.Count(t => t.Status == TrialStatus.Diverged);
        var failed = unfinished.Count(t => t.Status == TrialStatus.Failed);
        var other = unfinished.Length - diverged - failed;
        md.Append($"{diverged} diverged (non-finite loss), {failed} failed (an error stopped them), {other} not run yet. ")
          .Append("None of them enters the results table, the plots or the claims.\n\n");
        md.Append('|');
        foreach (var axis in results.Axes) md.Append(' ').Append(axis).Append(" |");
        md.Append(" seed | status | steps | note |\n");
        md.Append('|').Append(string.Concat(Enumerable.Repeat("---|", results.Axes.Count + 4))).Append('\n');
        foreach (var t in unfinished)
        {
            md.Append('|');
            foreach (var axis in results.Axes) md.Append(' ').Append(t.Parameter(axis)).Append(" |");
            md.Append(' ').Append(t.Seed).Append(" | ").Append(t.Status.ToString().ToLowerInvariant())
              .Append(" | ").Append(t.Steps.ToString(CultureInfo.InvariantCulture))
              .Append(" | ").Append(Escape(t.Error)).Append(" |\n");
        }
        md.Append('\n');
    }

    private static void AppendTrialsTable(StringBuilder md, ExperimentResults results)
    {
        md.Append("## Trials\n\n");
        md.Append("| trial |");
        foreach (var axis in results.Axes) md.Append(' ').Append(axis).Append(" |");
        var target = results.Settings.Target;
        md.Append(" seed | status | steps |").Append(target is null ? "" : " target |").Append(" seconds | note |\n");
        md.Append('|').Append(string.Concat(Enumerable.Repeat("---|", results.Axes.Count + 6 + (target is null ? 0 : 1)))).Append('\n');
        foreach (var t in results.Trials)
        {
            md.Append("| `").Append(t.Id).Append("` |");
            foreach (var axis in results.Axes) md.Append(' ').Append(t.Parameter(axis)).Append(" |");
            md.Append(' ').Append(t.Seed).Append(" | ").Append(t.Status.ToString().ToLowerInvariant())
              .Append(" | ").Append(t.Steps.ToString(CultureInfo.InvariantCulture));
            if (target is not null) md.Append(" | ").Append(TargetNote(t));
            md.Append(" | ").Append(t.Seconds.ToString("F1", CultureInfo.InvariantCulture))
              .Append(" | ").Append(Escape(t.Error)).Append(" |\n");
        }
        md.Append('\n');
    }

    /// <summary>Whether and when a trial of a target budget reached its target, in words.</summary>
    private static string TargetNote(TrialRecord t) => t.ReachedTarget switch
    {
        true => $"reached at epoch {t.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "?"} (step {t.Steps.ToString(CultureInfo.InvariantCulture)})",
        false when t.Status == TrialStatus.Done => $"not reached in {t.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "?"} epoch(s)",
        false => "not reached",
        null => "–",
    };

    /// <summary>Per trial and vector column: the first entry's last sampled value, its largest value and the step of that peak.</summary>
    private static Dictionary<(string Trial, int Column), (double Final, double Peak, double Step)> FirstEntries(ExperimentResults results, int[] columns)
    {
        var entries = new Dictionary<(string, int), (double, double, double)>();
        if (columns.Length == 0) return entries;
        foreach (var trial in results.Rows.GroupBy(r => r.TrialId))
        foreach (var column in columns)
        {
            var series = trial.OrderBy(r => r.Step).Select(r => (r.Step, Vector: r.GetVector(column)))
                .Where(s => s.Vector is { Length: > 0 } && double.IsFinite(s.Vector[0])).Select(s => (s.Step, Value: s.Vector![0])).ToArray();
            if (series.Length == 0) continue;
            var peak = series.MaxBy(s => s.Value);
            entries[(trial.Key, column)] = (series[^1].Value, peak.Value, peak.Step);
        }
        return entries;
    }

    /// <summary>Per trial and profile column: the α of the smallest entry of its last sampled profile.</summary>
    private static Dictionary<(string Trial, int Column), double> ProfileMinima(ExperimentResults results, int[] columns)
    {
        var minima = new Dictionary<(string, int), double>();
        if (columns.Length == 0) return minima;
        foreach (var trial in results.Rows.GroupBy(r => r.TrialId))
        foreach (var column in columns)
        {
            var alphas = results.Schema.Columns[column].Alphas!;
            var last = trial.OrderBy(r => r.Step).LastOrDefault(r => r.GetVector(column) is { Length: > 0 })?.GetVector(column);
            if (last is null || last.Length > alphas.Count || !last.Any(double.IsFinite)) continue;
            var best = Enumerable.Range(0, last.Length).Where(k => double.IsFinite(last[k])).MinBy(k => last[k]);
            minima[(trial.Key, column)] = alphas[best];
        }
        return minima;
    }

    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("G" + SignificantDigits, CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);

    private static string MeanAndSpread(IReadOnlyList<double> values) =>
        values.Count == 1 ? Number(values[0]) : $"{Number(Statistics.Mean(values))} ± {Number(Statistics.StandardDeviation(values))}";

    private static string Escape(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.Replace("|", "\\|").Replace("\r", " ").Replace("\n", " ");

    /// <summary>One line of prose: no line breaks, no trailing full stop (the caller adds one).</summary>
    private static string Inline(string text) => text.Replace("\r", " ").Replace("\n", " ").TrimEnd('.', ' ');
}
