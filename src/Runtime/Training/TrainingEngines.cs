using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;

namespace Declarative.Runtime.Training;

/// <summary>
/// The one place that decides, from the trials' specs and the declaration alone (never from <c>--parallel</c> or the
/// executor), which engine trains a trial and which trials train together as one pack, and says why.
/// <para>
/// The <see cref="StackedMlpEngine"/> serves an MLP (plain or with batch norm) on a classification task with SGD, momentum or Nesterov, any
/// weight decay, learning-rate or batch-size schedule, regime adaptation and label noise; everything else trains on
/// the <see cref="AutogradEngine"/>, one trial at a time. Trials on the stacked engine pack when they differ only in
/// what a pack holds per member: the seed (initial weights, batch order, label-noise draw), the learning rate and its
/// schedule, momentum, weight decay and the SGD variant; everything else (the MLP's shape, the data and its noise
/// fraction, the batch size and its schedule, the regime, the length) must be equal. Instruments never prevent packing:
/// the update and gradient norms come from the engine with the step (<see cref="EngineStep"/>), and those that need θ_t
/// itself (<c>[ObservesUpdate]</c>) get each member's θ_t and gradient from the engine before the updates they are due at.
/// A trial with a target budget (<c>[TrainUntil]</c>) trains alone on its engine: members of a pack would stop at different
/// epochs, and whether a target is met is a threshold that the rounding of a pack's stacked products could move.
/// </para>
/// </summary>
public static class TrainingEngines
{
    /// <summary>At most this many members per pack (beyond it the stacked batch stops paying off on CPU caches).</summary>
    public const int MaxMembers = 16;

    /// <summary>The engine that trains a trial with this spec, and why.</summary>
    public static EngineChoice For(TrialSpec spec) => StackedObstacle(spec) is { } why
        ? new EngineChoice(EngineKind.Autograd, $"autograd: {why}")
        : new EngineChoice(EngineKind.StackedMlp, "stacked MLP: a plain MLP with the SGD family");

    /// <summary>Why the stacked MLP engine cannot train this spec, or null when it can.</summary>
    private static string? StackedObstacle(TrialSpec s)
    {
        if (s.Model.Kind != ModelKind.Mlp) return $"the model is a {s.Model.Kind} (the stacked engine serves MLPs)";
        if (s.Model.Normalization == Declarative.Normalization.GhostBatchNorm) return "the MLP has ghost batch norm (not in the stacked engine yet)";
        if (s.Optimizer.Kind is not (OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov)) return $"the optimizer is {s.Optimizer.Kind} (the stacked engine serves SGD, momentum and Nesterov)";
        if (s.Optimizer.Kind == OptimizerKind.Nesterov && s.Optimizer.Momentum <= 0) return "Nesterov needs a positive momentum";
        if (s.Data.Kind == DataSetKind.QuadraticTarget) return "the data set is a regression task";
        if (s.GradientPenalty != 0) return "the gradient-norm penalty needs double backward";
        return null;
    }

    /// <summary>Why a trial the stacked engine trains cannot share a pack, or null when it can.</summary>
    private static string? PackObstacle(TrialSpec s) =>
        s.Settings.Target is { } target ? $"a target budget ({target.Describe()}) stops each trial at its own epoch" : null;

    /// <summary>Whether the trial can share a pack on the stacked engine (neither obstacle applies).</summary>
    private static bool Packable(TrialSpec s) => StackedObstacle(s) is null && PackObstacle(s) is null;

    /// <summary>Each member's SGD settings on the stacked engine.</summary>
    internal static Optimizers.SgdMember Sgd(TrialSpec s) =>
        new(s.Optimizer.Momentum, s.Optimizer.WeightDecay, s.Optimizer.Kind == OptimizerKind.Nesterov);

    /// <summary>Whether these trials can train as one pack (or one trial alone on the stacked engine); otherwise why not.</summary>
    public static bool CanPack(IReadOnlyList<TrialSpec> specs, out string reason)
    {
        reason = "";
        if (specs.Count == 0) { reason = "no trials"; return false; }
        foreach (var s in specs)
        {
            if (StackedObstacle(s) is { } why) { reason = why; return false; }
            if (specs.Count > 1 && PackObstacle(s) is { } alone) { reason = alone; return false; }
        }
        var key = PackKey(specs[0]);
        for (var i = 1; i < specs.Count; i++)
        {
            if (PackKey(specs[i]) != key) { reason = $"trial {i} differs from trial 0 in something other than the seed and SGD hyper-parameters"; return false; }
        }
        return true;
    }

    /// <summary>Whether these trials can train as one pack.</summary>
    public static bool CanPack(IReadOnlyList<TrialSpec> specs) => CanPack(specs, out _);

    /// <summary>
    /// Splits trials into groups (indices into <paramref name="specs"/>, in trial order): the trials that can pack
    /// together, each such set cut in trial order into the fewest packs of at most <paramref name="maxMembers"/>, as equal
    /// in size as possible; every other trial alone.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Groups(IReadOnlyList<TrialSpec> specs, int maxMembers = MaxMembers)
    {
        if (maxMembers < 1) throw new ArgumentOutOfRangeException(nameof(maxMembers), maxMembers, "A pack holds at least one trial.");
        var groups = new List<IReadOnlyList<int>>();
        var byKey = new Dictionary<PackSignature, List<int>>();
        var order = new List<PackSignature>();
        for (var i = 0; i < specs.Count; i++)
        {
            if (!Packable(specs[i])) { groups.Add([i]); continue; }
            var key = PackKey(specs[i]);
            if (!byKey.TryGetValue(key, out var list)) { byKey[key] = list = []; order.Add(key); }
            list.Add(i);
        }
        foreach (var key in order)
        {
            var members = byKey[key];
            var count = (members.Count + maxMembers - 1) / maxMembers;
            for (int k = 0, start = 0; k < count; k++)
            {
                var size = members.Count / count + (k < members.Count % count ? 1 : 0);
                groups.Add(members.GetRange(start, size));
                start += size;
            }
        }
        return groups.OrderBy(g => g[0]).ToArray();
    }

    /// <summary>
    /// The experiment's training plan: its trials in groups (<see cref="Groups"/>), each with its engine and why. The
    /// generated <c>Definition.Plan</c> calls this with the declaration's specs.
    /// </summary>
    public static IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials, Func<ITrial, TrialSpec> specFor)
    {
        var specs = trials.Select(specFor).ToArray();
        var groups = Groups(specs);
        var sizes = new Dictionary<PackSignature, int>();
        foreach (var s in specs.Where(Packable)) sizes[PackKey(s)] = sizes.GetValueOrDefault(PackKey(s)) + 1;
        return groups.Select(g =>
        {
            var first = specs[g[0]];
            var choice = For(first);
            if (choice.Engine == EngineKind.StackedMlp)
            {
                choice = g.Count > 1
                    ? choice with { Reason = $"stacked MLP, packed: {g.Count} trials differing only in seed and SGD hyper-parameters" }
                    : choice with { Reason = PackObstacle(first) is { } alone ? $"stacked MLP, alone: {alone}"
                        : sizes[PackKey(first)] > 1 ? "stacked MLP" : "stacked MLP, alone: no other trial shares its model shape, data and batch size" };
            }
            return new TrialGroup(g.Select(i => trials[i]).ToArray(), choice);
        }).ToArray();
    }

    /// <summary>What must be equal across a pack's members.</summary>
    private static PackSignature PackKey(TrialSpec s) => new(
        s.Settings with { Seeds = 0 }, s.Device, s.Data, s.Model.Kind, string.Join(",", s.Model.Sizes), s.Model.Width, s.Model.InitScale,
        s.Model.Normalization, s.Optimizer.BatchSize, s.BatchSizeSchedule, s.RegimeBaseBatchSize, s.RegimeKeepsLearningRate, s.RegimeKeepsEpochs);

    private sealed record PackSignature(ExperimentSettings Settings, string Device, DataSpec Data, ModelKind Model, string Sizes, double Width, double InitScale,
        Normalization Normalization, int BatchSize, ScheduleSpec? BatchSizeSchedule, int RegimeBaseBatchSize, bool RegimeKeepsLearningRate, bool RegimeKeepsEpochs);
}
