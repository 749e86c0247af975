using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Schedules;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// Turns the specs of K ≥ 1 trials that train together (one trial, or a pack that
/// <see cref="TrainingEngines.CanPack(IReadOnlyList{TrialSpec}, out string)"/> accepts) into the objects the
/// <see cref="TrialDriver"/> drives: each member's data on the device (with its label noise), its model (initialised
/// from its seed), the engine <see cref="TrainingEngines.For"/> chooses (with each member's optimizer settings), the
/// training loop with its schedules and regularisers, and each member's instrument context. Disposing it frees
/// everything the trials own (the shared data set stays cached).
/// </summary>
public sealed class TrialSetup : IDisposable
{
    private readonly IReadOnlyList<ClassificationData> _owned;
    private readonly IReadOnlyList<optim.Optimizer> _optimizers;

    private TrialSetup(IReadOnlyList<ClassificationData> data, IReadOnlyList<ClassificationData> owned, IReadOnlyList<nn.Module<Tensor, Tensor>> models,
        IReadOnlyList<optim.Optimizer> optimizers, ITrainingEngine engine, ClassificationLoop loop, IReadOnlyList<InstrumentContext> instruments, InstrumentPack pack)
    {
        Pack = pack;
        MemberData = data;
        _owned = owned;
        Models = models;
        _optimizers = optimizers;
        Engine = engine;
        Loop = loop;
        MemberInstruments = instruments;
    }

    /// <summary>The data the (first) trial trains on (with its label noise, if any).</summary>
    public ClassificationData Data => MemberData[0];

    /// <summary>Each member's data (the shared inputs with the member's labels).</summary>
    public IReadOnlyList<ClassificationData> MemberData { get; }

    /// <summary>The (first) trial's model.</summary>
    public nn.Module<Tensor, Tensor> Model => Models[0];

    /// <summary>Each member's model (refreshed with the member's current weights by <see cref="ClassificationLoop.Member"/>).</summary>
    public IReadOnlyList<nn.Module<Tensor, Tensor>> Models { get; }

    public ITrainingEngine Engine { get; }
    public ClassificationLoop Loop { get; }

    /// <summary>The (first) trial's instrument context.</summary>
    public InstrumentContext Instruments => MemberInstruments[0];

    /// <summary>Each member's instrument context, over its model (instruments are built on it as on a trial's own).</summary>
    public IReadOnlyList<InstrumentContext> MemberInstruments { get; }

    /// <summary>The members' instrument contexts as one pack (the Hessian instruments serve all members at once).</summary>
    internal InstrumentPack Pack { get; }

    /// <summary>One trial alone.</summary>
    public static TrialSetup Create(TrialSpec spec, TrialContext context) => Create([spec], context);

    /// <summary>
    /// K trials that train together: one, or a pack (specs that <see cref="TrainingEngines.CanPack(IReadOnlyList{TrialSpec}, out string)"/>
    /// accepts), on the engine <see cref="TrainingEngines.For"/> chooses, or on <paramref name="engine"/> when given (the autograd
    /// engine trains anything; tests compare the engines with it).
    /// </summary>
    public static TrialSetup Create(IReadOnlyList<TrialSpec> specs, TrialContext context, EngineKind? engine = null)
    {
        if (specs.Count == 0) throw new ArgumentException("A setup trains at least one trial.", nameof(specs));
        if (specs.Count > 1 && !TrainingEngines.CanPack(specs, out var reason)) throw new ArgumentException($"These trials cannot be packed: {reason}.", nameof(specs));
        var first = specs[0];
        foreach (var s in specs)
            if (s.Settings.Target is { } t && (s.Settings.Steps > 0 || s.Settings.Updates > 0))
                throw new ArgumentException($"A target budget ({t.Describe()}) is checked at epoch ends and capped in epochs: give Epochs, not Steps or Updates.", nameof(specs));
        var chosen = TrainingEngines.For(first).Engine;
        if (engine == EngineKind.StackedMlp && chosen != EngineKind.StackedMlp) throw new ArgumentException($"The stacked MLP engine cannot train this trial: {TrainingEngines.For(first).Reason}.", nameof(engine));
        var kind = engine ?? chosen;
        var device = DeviceOf(first, context);
        var shared = LoadData(first, context, device);
        // Label noise is drawn from each trial's seed: members share the inputs, not the labels.
        var data = specs.Select(s => s.Data.LabelNoise > 0 ? LabelNoise.Apply(shared, s.Data.LabelNoise, s.Seed) : shared).ToArray();
        var owned = data.Where(d => !ReferenceEquals(d, shared)).ToArray();

        var models = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < specs.Count; i++)
        {
            Seeding.ForTrial(specs[i].Seed);
            models.Add(CreateModel(specs[i].Model, data[i], device));
        }
        var optimizers = new List<optim.Optimizer>();
        ITrainingEngine trainer;
        if (kind == EngineKind.StackedMlp)
        {
            trainer = StackedMlpEngine.Create(models.Cast<Mlp>().ToArray(), specs.Select(TrainingEngines.Sgd).ToArray());
        }
        else
        {
            optimizers.AddRange(specs.Select((s, i) => CreateOptimizer(s.Optimizer, models[i])));
            trainer = new AutogradEngine(models, optimizers, data[0].IsRegression, first.GradientPenalty);
        }
        var o = first.Optimizer;
        var length = first.Settings.Updates > 0 ? first.Settings.Updates : first.Settings.Steps;
        var options = new TrainingOptions
        {
            BatchSize = BatchSizeSchedule(first.BatchSizeSchedule, o.BatchSize),
            GradientPenalty = first.GradientPenalty,
            Regime = first.RegimeBaseBatchSize > 0
                ? new RegimeAdaptation(first.RegimeBaseBatchSize, MoreUpdates: !first.RegimeKeepsEpochs, ScaledLearningRate: !first.RegimeKeepsLearningRate)
                : null,
            TotalUpdates = length > 0 ? length : null,
        };
        // The declared learning rate is the spec's, and the schedule starts from that same value.
        var members = specs.Select((s, i) => new LoopMember(s.Seed, data[i], s.Optimizer.LearningRate, LearningRateSchedule(s.LearningRateSchedule, s.Optimizer.LearningRate))).ToArray();
        var loop = new ClassificationLoop(trainer, members, o.BatchSize, Math.Max(1, first.Settings.Epochs), options);
        var instruments = specs.Select((s, i) =>
        {
            var context = new InstrumentContext(models[i], data[i]);
            context.Connect(loop, i);
            return context;
        }).ToArray();
        // One pack over the members' contexts (one trial: a pack of one, the same code); the engine brings a member's model up to date.
        var pack = new InstrumentPack(instruments, trainer.Model);
        for (var i = 0; i < instruments.Length; i++) instruments[i].JoinPack(pack, i);
        return new TrialSetup(data, owned, models, optimizers, trainer, loop, instruments, pack);
    }

    private static optim.Optimizer CreateOptimizer(OptimizerSpec o, nn.Module<Tensor, Tensor> model) =>
        OptimizerFactory.Create(o.Kind, model.parameters(), new OptimizerSettings
        {
            LearningRate = o.LearningRate,
            Momentum = o.Kind is OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov ? o.Momentum : null,
            WeightDecay = o.WeightDecay,
            Beta1 = o.Beta1,
            Beta2 = o.Beta2,
            Epsilon = o.Epsilon,
        });

    internal static Device DeviceOf(TrialSpec spec, TrialContext context) =>
        spec.Device == "auto" ? context.Device : Torch.TorchEnvironment.ResolveDevice(spec.Device);

    internal static ClassificationData LoadData(TrialSpec spec, TrialContext context, Device device)
    {
        var d = spec.Data;
        var train = d.TrainSubset != 0 ? d.TrainSubset : spec.Settings.TrainSubset;
        var test = spec.Settings.TestSubset;
        return d.Kind switch
        {
            DataSetKind.FashionMnist => context.Data.FashionMnist(train, test, device),
            DataSetKind.Idx => context.Data.Idx(d.Name ?? "IDX", Folder(d) ?? throw new DataSetException(
                $"The IDX data set '{d.Name}' has no folder: set [Idx(Folder = ...)] or the environment variable named by EnvironmentVariable{(d.EnvironmentVariable is null ? "" : $" ({d.EnvironmentVariable})")}."), train, test, device),
            DataSetKind.Cifar10 => context.Data.Cifar10(Folder(d), train, test, device),
            DataSetKind.GaussianMixture => Subset(context.Data.GaussianMixture(d.Classes, d.Dimensions, d.Train, d.Test, d.Separation, d.Seed, device), train, test, device),
            DataSetKind.TeacherStudent => Subset(context.Data.TeacherStudent(d.Dimensions, d.TeacherWidth, d.Classes, d.Train, d.Test, d.Seed, device), train, test, device),
            DataSetKind.QuadraticTarget => Subset(context.Data.QuadraticTarget(d.Dimensions, d.Train, d.Test, d.Noise, d.Seed, device), train, test, device),
            _ => throw new ArgumentOutOfRangeException(nameof(spec), d.Kind, "Unknown data set kind."),
        };

        ClassificationData Subset(ClassificationData full, int trainCount, int testCount, Device on) =>
            trainCount == 0 && testCount == 0 ? full : context.Data.Get($"{full.Name}:{trainCount}:{testCount}:{on}", () => full.Subset(trainCount, testCount, on));
    }

    private static string? Folder(DataSpec d) =>
        d.EnvironmentVariable is { } variable && Environment.GetEnvironmentVariable(variable) is { Length: > 0 } fromEnvironment ? fromEnvironment : d.Folder;

    internal static nn.Module<Tensor, Tensor> CreateModel(ModelSpec m, ClassificationData data, Device device)
    {
        var options = new ModelOptions
        {
            WidthMultiplier = m.Width,
            InitScale = m.InitScale,
            Normalization = m.Normalization switch
            {
                Declarative.Normalization.BatchNorm => ModelNormalization.Batch,
                Declarative.Normalization.GhostBatchNorm => ModelNormalization.Ghost(m.GhostBatchSize),
                _ => ModelNormalization.None,
            },
        };
        return m.Kind switch
        {
            ModelKind.Mlp => Mlp.Create(data.InputSize, m.Sizes, data.OutputSize, device, options),
            ModelKind.Cnn => SmallCnn.Create(data.InputShape, data.OutputSize, device, options),
            ModelKind.ResNet => SmallResNet.Create(data.InputShape, data.OutputSize, device, options, m.Blocks),
            _ => throw new ArgumentOutOfRangeException(nameof(m), m.Kind, "Unknown model kind."),
        };
    }

    /// <summary>The declared learning-rate schedule over updates (null: constant, the loop's default).</summary>
    internal static Schedule? LearningRateSchedule(ScheduleSpec? s, double learningRate)
    {
        if (s is null) return null;
        var body = s.Kind switch
        {
            ScheduleKind.Step => Schedule.Step(learningRate, s.Period, s.Factor),
            ScheduleKind.Cosine => Schedule.Cosine(learningRate, s.Minimum),
            ScheduleKind.Cyclical => Schedule.Triangular(s.Minimum, learningRate, Math.Max(1, s.Period / 2)),
            _ => Schedule.Constant(learningRate),
        };
        return s.WarmupSteps > 0 ? Schedule.Warmup(s.WarmupSteps, body) : body;
    }

    /// <summary>The declared batch-size schedule over epochs (null: constant).</summary>
    internal static BatchSizeSchedule? BatchSizeSchedule(ScheduleSpec? s, int batchSize) => s?.Kind switch
    {
        null or ScheduleKind.Constant => null,
        ScheduleKind.Step => new BatchSizeSchedule(Schedule.Step(batchSize, s.Period, s.Factor)),
        ScheduleKind.Cosine => new BatchSizeSchedule(Schedule.Cosine(batchSize, s.Minimum)),
        ScheduleKind.Cyclical => new BatchSizeSchedule(Schedule.Triangular(s.Minimum, batchSize, Math.Max(1, s.Period / 2))),
        _ => null,
    };

    public void Dispose()
    {
        foreach (var i in MemberInstruments) i.Dispose();
        Pack.Dispose();
        Loop.Dispose();
        Engine.Dispose();
        foreach (var o in _optimizers) o.Dispose();
        foreach (var m in Models) m.Dispose();
        foreach (var d in _owned) d.Dispose();
    }
}
