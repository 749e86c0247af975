using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Claims;

/// <summary>
/// The sequential check of an experiment with a seed range (<c>[Experiment(Seeds = 2, MaxSeeds = 8)]</c>), and the rounds
/// of trials it asks for. The looks are fixed by the declaration before any result: at MinSeeds, 2·MinSeeds, 4·MinSeeds, …
/// seeds per point and last at the maximum (<see cref="ExperimentSettings.SeedLooks"/>), L looks in all. Round 1 is every
/// point at MinSeeds seeds. After round l the claims not yet decided are checked at look l, each at the look-adjusted
/// confidence 1 − (1 − c)/L (<see cref="Look"/>); a claim that holds or fails there is decided and never looked at again.
/// Round l + 1 gives the next look's seed count to the sweep points that the undecided claims read (their <c>where</c>
/// and <c>than</c>: <see cref="Claim.Reads"/>); other points stop. The sweep ends when every claim is decided, when the
/// undecided ones read no point, or after the last look.
/// <para>
/// Why the error rate holds whatever the stopping: a claim still undecided at look l reads only points that were given every
/// round so far, so its statistic at look l is exactly the one a fixed design of n_l seeds per point would compute (seeds
/// are 0, 1, … and a trial's result does not depend on when it ran). Holding at some look is contained in holding at one of
/// the L fixed designs, each at (1 − c)/(2L) per boundary: at most (1 − c)/2 in all (the union bound).
/// </para>
/// Everything here is a function of the declaration and the stored results: an interrupted sweep resumes to the same rounds.
/// </summary>
internal static class AdaptiveSeeds
{
    /// <summary>
    /// Where the sequential check stands. <see cref="Rounds"/> holds the trials of each round so far (round 1 first);
    /// <see cref="Finished"/> says no round follows; <see cref="Verdicts"/> holds each claim's verdict, from the look that
    /// decided it or else the latest look, and <see cref="LookOf"/> that look.
    /// </summary>
    public sealed record Plan(
        IReadOnlyList<int> Looks,
        int Round,
        bool Finished,
        IReadOnlyList<IReadOnlyList<ITrial>> Rounds,
        IReadOnlyList<ClaimResult> Verdicts,
        IReadOnlyList<int> LookOf,
        IReadOnlyList<(string Point, int Seeds)> SeedsPerPoint)
    {
        /// <summary>Every trial planned so far (all rounds).</summary>
        public IEnumerable<ITrial> Trials => Rounds.SelectMany(r => r);
    }

    /// <summary>
    /// The rounds and verdicts for <paramref name="results"/> (read with their design, <see cref="ExperimentResults.Design"/>).
    /// With a fixed seed count this is one round and one look: each claim checked on the results as they are.
    /// </summary>
    public static Plan Evaluate(ExperimentResults results, IReadOnlyList<Claim> claims)
    {
        var looks = results.Settings.SeedLooks();
        var design = results.Design ?? [];
        if (!results.Settings.AdaptiveSeeds || results.Design is null)
        {
            var verdicts = claims.Select(c => c.Check(results)).ToArray();
            return new Plan(looks, 1, true, [design], verdicts, verdicts.Select(_ => 1).ToArray(), PerPoint(design));
        }

        var status = results.Trials.ToDictionary(t => t.Id, t => t.Status, StringComparer.Ordinal);
        var active = design.Select(t => Point(t.Parameters)).ToHashSet(StringComparer.Ordinal);
        var rounds = new List<IReadOnlyList<ITrial>>();
        var planned = new HashSet<string>(StringComparer.Ordinal);
        var current = new ClaimResult?[claims.Count];
        var lookOf = new int[claims.Count];
        var decided = new bool[claims.Count];
        for (var l = 0; l < looks.Count; l++)
        {
            var from = l == 0 ? 0 : looks[l - 1];
            var round = design.Where(t => t.Seed >= from && t.Seed < looks[l] && active.Contains(Point(t.Parameters))).ToArray();
            rounds.Add(round);
            planned.UnionWith(round.Select(t => t.Id));
            var waiting = round.Count(t => !(status.TryGetValue(t.Id, out var s) && s is TrialStatus.Done or TrialStatus.Diverged or TrialStatus.Failed));
            if (waiting > 0 && l > 0)
            {
                // A later round still running: the undecided claims keep the last finished look's verdict, and say so.
                for (var i = 0; i < claims.Count; i++)
                    if (!decided[i])
                        current[i] = current[i]! with { Evidence = $"round {l + 1} of {looks.Count} is not finished ({waiting} of {round.Length} trial(s) to run), so this is look {l} of {looks.Count}; {current[i]!.Evidence}" };
                return Result(looks, l + 1, false, rounds, current, lookOf, design);
            }

            var atLook = results with
            {
                Trials = results.Trials.Where(t => planned.Contains(t.Id)).ToArray(),
                Rows = results.Rows.Where(r => planned.Contains(r.TrialId)).ToArray(),
                Look = new Look(l + 1, looks.Count),
            };
            for (var i = 0; i < claims.Count; i++)
            {
                if (decided[i]) continue;
                current[i] = claims[i].Check(atLook);
                lookOf[i] = l + 1;
                decided[i] = waiting == 0 && current[i]!.Verdict != Verdict.Inconclusive;
            }
            if (waiting > 0) return Result(looks, l + 1, false, rounds, current, lookOf, design);

            var undecided = claims.Where((_, i) => !decided[i]).ToArray();
            active.RemoveWhere(point => !undecided.Any(c => c.Reads(ParametersOf(design, point))));
            if (active.Count == 0 || l == looks.Count - 1) return Result(looks, l + 1, true, rounds, current, lookOf, design);
        }
        throw new InvalidOperationException("unreachable: the last look finishes the plan");
    }

    private static Plan Result(IReadOnlyList<int> looks, int round, bool finished, List<IReadOnlyList<ITrial>> rounds, ClaimResult?[] verdicts, int[] lookOf,
        IReadOnlyList<ITrial> design)
    {
        var planned = rounds.SelectMany(r => r).ToArray();
        return new Plan(looks, round, finished, rounds, verdicts.Select(v => v!).ToArray(), lookOf, PerPoint(planned.Length == 0 ? design : planned));
    }

    /// <summary>The seeds planned for each sweep point, in design order ("LearningRate=0.1, BatchSize=32" → 4).</summary>
    private static IReadOnlyList<(string Point, int Seeds)> PerPoint(IEnumerable<ITrial> trials) =>
        trials.GroupBy(t => string.Join(", ", t.Parameters.Select(p => $"{p.Key}={p.Value}"))).Select(g => (g.Key, g.Count())).ToArray();

    private static string Point(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        string.Join("\u001f", parameters.Select(p => p.Key + "=" + p.Value));

    private static IReadOnlyList<KeyValuePair<string, string>> ParametersOf(IReadOnlyList<ITrial> design, string point) =>
        design.First(t => Point(t.Parameters) == point).Parameters;

    /// <summary>The plan for an experiment's stored results at a budget (what the runner and the drain command use).</summary>
    public static Plan Of(IResultStore store, IExperimentDefinition experiment, Budget budget) =>
        Evaluate(ExperimentResults.Load(store, experiment, budget), ReportWriter.ClaimsOf(experiment));
}
