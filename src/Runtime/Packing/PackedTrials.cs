using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Packing;

/// <summary>
/// Trains several trials of one experiment as one stacked model when they differ only in what a pack
/// can hold per member: the seed (initial weights and data order), the learning rate, momentum, weight
/// decay and the SGD variant (plain, momentum, Nesterov), and the labels flipped by label noise (drawn
/// from each member's seed). Everything else must be equal: the MLP's shape (no normalisation), the data
/// set and its noise fraction (classification), the batch size, the
/// length, and no schedule, gradient penalty or regime adaptation. Each member trains exactly as its
/// trial would alone, up to float32 rounding (see <c>PackedTrialsTests</c> for the tolerance).
/// <para>
/// For the runner: <see cref="Groups"/> splits a list of specs into packable groups (and singletons to
/// run as usual); <see cref="Create"/> builds a <see cref="PackedSetup"/> whose loop a generated
/// <c>RunPacked</c> drives like <c>Run</c> drives a <see cref="TrialSetup"/>; <see cref="Train"/> runs
/// a group without instruments (benchmarks, tests) and gives each member's outcome.
/// </para>
/// </summary>
public static class PackedTrials
{
    /// <summary>At most this many members per pack by default (beyond it the stacked batch stops paying off on CPU caches).</summary>
    public const int DefaultMaxMembers = 16;

    /// <summary>Whether these trials can train as one pack; otherwise <paramref name="reason"/> names the first obstacle.</summary>
    public static bool CanPack(IReadOnlyList<TrialSpec> specs, out string reason)
    {
        reason = "";
        if (specs.Count == 0) { reason = "no trials"; return false; }
        foreach (var s in specs)
        {
            if (Obstacle(s) is { } why) { reason = why; return false; }
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
    /// Splits trials into packs: indices into <paramref name="specs"/>, trials that can pack together in
    /// groups of at most <paramref name="maxMembers"/> (in their order), each other trial alone (a group of one:
    /// run it with <see cref="TrialSetup"/> as before).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> Groups(IReadOnlyList<TrialSpec> specs, int maxMembers = DefaultMaxMembers)
    {
        if (maxMembers < 1) throw new ArgumentOutOfRangeException(nameof(maxMembers), maxMembers, "A pack holds at least one trial.");
        var groups = new List<IReadOnlyList<int>>();
        var byKey = new Dictionary<PackSignature, List<int>>();
        var order = new List<PackSignature>();
        for (var i = 0; i < specs.Count; i++)
        {
            if (Obstacle(specs[i]) is not null) { groups.Add([i]); continue; }
            var key = PackKey(specs[i]);
            if (!byKey.TryGetValue(key, out var list)) { byKey[key] = list = []; order.Add(key); }
            list.Add(i);
        }
        foreach (var key in order)
            foreach (var chunk in byKey[key].Chunk(maxMembers)) groups.Add(chunk);
        return groups;
    }

    /// <summary>Builds the pack: data, one MLP per member initialised from its seed (as TrialSetup would), the stacked model, its SGD and loop.</summary>
    public static PackedSetup Create(IReadOnlyList<TrialSpec> specs, TrialContext context)
    {
        if (!CanPack(specs, out var reason)) throw new ArgumentException($"These trials cannot be packed: {reason}.", nameof(specs));
        var first = specs[0];
        var device = TrialSetup.DeviceOf(first, context);
        var data = TrialSetup.LoadData(first, context, device);
        if (data.IsRegression) throw new ArgumentException($"Packed training supports classification data only ({data.Name} is a regression task).", nameof(specs));
        // Label noise is drawn from each trial's seed, as TrialSetup draws it: members share the inputs, not the labels.
        var memberData = specs.Select(s => s.Data.LabelNoise > 0 ? LabelNoise.Apply(data, s.Data.LabelNoise, s.Seed) : data).ToArray();
        var members = new List<Mlp>();
        for (var i = 0; i < specs.Count; i++)
        {
            Seeding.ForTrial(specs[i].Seed);
            members.Add((Mlp)TrialSetup.CreateModel(specs[i].Model, memberData[i], device));
        }
        var model = PackedMlp.Stack(members);
        var optimizer = new PackedSgd(model.Parameters, specs.Select(s => new PackedSgdMember(
            s.Optimizer.LearningRate, s.Optimizer.Momentum, s.Optimizer.WeightDecay, s.Optimizer.Kind == OptimizerKind.Nesterov)).ToArray());
        var length = first.Settings.Updates > 0 ? first.Settings.Updates : first.Settings.Steps;
        var loop = new PackedLoop(model, optimizer, data, first.Optimizer.BatchSize, Math.Max(1, first.Settings.Epochs), specs.Select(s => (long)s.Seed).ToArray(),
            totalUpdates: length > 0 ? length : null, memberModels: members, memberLearningRates: specs.Select(s => s.Optimizer.LearningRate).ToArray(),
            memberData: memberData);
        var instruments = members.Select((m, i) => new Instruments.InstrumentContext(m, memberData[i]) { LearningRate = specs[i].Optimizer.LearningRate, BatchSize = specs[i].Optimizer.BatchSize }).ToArray();
        return new PackedSetup(data, members, model, optimizer, loop, instruments, memberData.Where(d => !ReferenceEquals(d, data)).ToArray());
    }

    /// <summary>
    /// Trains a pack to the end without instruments and gives each member's outcome (Done, or Diverged at the
    /// step its divergence was detected). <paramref name="onStep"/>, if given, is called after every step.
    /// </summary>
    public static IReadOnlyList<TrialOutcome> Train(IReadOnlyList<TrialSpec> specs, TrialContext context, Action<PackedLoop>? onStep = null)
    {
        using var setup = Create(specs, context);
        var loop = setup.Loop;
        var outcomes = new TrialOutcome?[specs.Count];
        while (loop.Next())
        {
            onStep?.Invoke(loop);
            for (var m = 0; m < outcomes.Length; m++)
            {
                if (outcomes[m] is null && !loop.LossIsFinite(m, out var loss)) outcomes[m] = TrialOutcome.Diverged(loop.DivergedAtStep(m) ?? loop.Step, loss);
            }
            if (outcomes.All(o => o is not null)) break;
            context.Cancellation.ThrowIfCancellationRequested();
        }
        return outcomes.Select(o => o ?? TrialOutcome.Done(loop.Step)).ToArray();
    }

    /// <summary>Creates the pack of <paramref name="specs"/> and runs it as <see cref="PackedSetup.Run"/> does.</summary>
    public static IReadOnlyList<TrialOutcome> Run(IReadOnlyList<TrialSpec> specs, IReadOnlyList<TrialContext> contexts,
        Func<long, bool, bool, bool> isDue, Func<int, TrainingState, IMetricRow?> measure)
    {
        if (contexts.Count != specs.Count) throw new ArgumentException($"{contexts.Count} contexts for {specs.Count} trials: one per trial.", nameof(contexts));
        using var setup = Create(specs, contexts[0]);
        return setup.Run(contexts, isDue, measure);
    }

    private static string? Obstacle(TrialSpec s)
    {
        if (s.Model.Kind != "Mlp") return $"the model is a {s.Model.Kind} (packing supports MLPs)";
        if (s.Model.Normalization != Normalization.None) return "the MLP has batch norm (its statistics are per member)";
        if (s.Optimizer.Kind is not (OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov)) return $"the optimizer is {s.Optimizer.Kind} (packing supports SGD, momentum and Nesterov)";
        if (s.Optimizer.Kind == OptimizerKind.Nesterov && s.Optimizer.Momentum <= 0) return "Nesterov needs a positive momentum";
        if (s.Data.Kind == "QuadraticTarget") return "the data set is a regression task";
        if (s.LearningRateSchedule is not null) return "a learning-rate schedule";
        if (s.BatchSizeSchedule is not null && s.BatchSizeSchedule.Kind != ScheduleKind.Constant) return "a batch-size schedule";
        if (s.GradientPenalty != 0) return "the gradient-norm penalty";
        if (s.RegimeBaseBatchSize > 0) return "regime adaptation";
        return null;
    }

    /// <summary>What must be equal across a pack's members.</summary>
    private static PackSignature PackKey(TrialSpec s) => new(
        s.Settings with { Seeds = 0 }, s.Device, s.Data with { Seed = s.Data.Seed }, s.Model.Kind, string.Join(",", s.Model.Sizes), s.Model.Width, s.Model.InitScale, s.Optimizer.BatchSize);

    private sealed record PackSignature(ExperimentSettings Settings, string Device, DataSpec Data, string Model, string Sizes, double Width, double InitScale, int BatchSize);
}

/// <summary>What a pack of trials owns: the data, each member's MLP and instrument context, the stacked model, its optimizer and loop.</summary>
public sealed class PackedSetup : IDisposable
{
    private readonly IReadOnlyList<ClassificationData> _owned;

    internal PackedSetup(ClassificationData data, IReadOnlyList<Mlp> members, PackedMlp model, PackedSgd optimizer, PackedLoop loop,
        IReadOnlyList<Instruments.InstrumentContext> instruments, IReadOnlyList<ClassificationData> owned)
    {
        _owned = owned;
        Data = data;
        MemberModels = members;
        Model = model;
        Optimizer = optimizer;
        Loop = loop;
        Instruments = instruments;
    }

    public ClassificationData Data { get; }

    /// <summary>One MLP per member, refreshed with the member's weights by <see cref="PackedLoop.Member"/>.</summary>
    public IReadOnlyList<Mlp> MemberModels { get; }

    /// <summary>One instrument context per member, over the member's MLP (instruments are built on it as on a trial's own).</summary>
    public IReadOnlyList<Instruments.InstrumentContext> Instruments { get; }

    public PackedMlp Model { get; }
    public PackedSgd Optimizer { get; }
    public PackedLoop Loop { get; }

    /// <summary>
    /// Trains the pack and writes each member's metric rows to its own context's sink, as each trial's generated
    /// <c>Run</c> would: after every step at which <paramref name="isDue"/>(step, isEpochEnd, isLast) holds,
    /// <paramref name="measure"/>(member, state) is called for every member still training, with the member's
    /// <see cref="TrainingState"/> (its own MLP holding its current weights, its batch loss, logits and labels),
    /// and its row (if not null) goes to <c>contexts[member].Sink</c>. A member whose loss turns non-finite is
    /// recorded diverged at the step that detects it and measured no more; the others go on. Each context's
    /// <c>OnStep</c> is called after every step; any context's cancellation stops the pack. Weights are saved
    /// per member as a trial's own run saves them (initial, and final at its end or divergence).
    /// </summary>
    public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<TrialContext> contexts, Func<long, bool, bool, bool> isDue, Func<int, TrainingState, IMetricRow?> measure)
    {
        if (contexts.Count != MemberModels.Count) throw new ArgumentException($"{contexts.Count} contexts for {MemberModels.Count} members: one per member.", nameof(contexts));
        var loop = Loop;
        var outcomes = new TrialOutcome?[contexts.Count];
        for (var m = 0; m < contexts.Count; m++) contexts[m].Weights?.Save(MemberModels[m], "initial", 0);
        while (loop.Next())
        {
            var due = isDue(loop.Step, loop.IsEpochEnd, loop.IsLast);
            for (var m = 0; m < outcomes.Length; m++)
            {
                if (outcomes[m] is not null) continue;
                if (due && measure(m, loop.Member(m)) is { } row) contexts[m].Sink.Write(row);
                contexts[m].OnStep?.Invoke(loop.Step, loop.TotalSteps);
                if (!loop.LossIsFinite(m, out var loss))
                {
                    outcomes[m] = TrialOutcome.Diverged(loop.DivergedAtStep(m) ?? loop.Step, loss);
                    SaveFinal(contexts[m], m);
                }
            }
            if (outcomes.All(o => o is not null)) break;
            foreach (var c in contexts) c.Cancellation.ThrowIfCancellationRequested();
        }
        for (var m = 0; m < outcomes.Length; m++)
        {
            if (outcomes[m] is not null) continue;
            outcomes[m] = TrialOutcome.Done(loop.Step);
            SaveFinal(contexts[m], m);
        }
        return outcomes.Select(o => o!).ToArray();
    }

    private void SaveFinal(TrialContext context, int member)
    {
        if (context.Weights is null) return;
        Model.CopyMemberTo(member, MemberModels[member]);
        context.Weights.Save(MemberModels[member], "final", Loop.Step);
    }

    public void Dispose()
    {
        foreach (var i in Instruments) i.Dispose();
        Loop.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        foreach (var m in MemberModels) m.Dispose();
        foreach (var d in _owned) d.Dispose();
    }
}
