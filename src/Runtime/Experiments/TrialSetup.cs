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
/// Turns a trial's <see cref="TrialSpec"/> into the objects its generated loop drives: the data on
/// the device (with the trial's label noise), the model (initialised from the trial's seed), the
/// optimizer, the training loop with its schedules and regularisers, and the instruments' shared
/// context. Disposing it frees everything the trial owns (the shared data set stays cached).
/// </summary>
public sealed class TrialSetup : IDisposable
{
    private readonly ClassificationData? _noisy;

    private TrialSetup(ClassificationData data, ClassificationData? noisy, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, ClassificationLoop loop, InstrumentContext instruments)
    {
        Data = data;
        _noisy = noisy;
        Model = model;
        Optimizer = optimizer;
        Loop = loop;
        Instruments = instruments;
    }

    /// <summary>The data the trial trains on (with its label noise, if any).</summary>
    public ClassificationData Data { get; }
    public nn.Module<Tensor, Tensor> Model { get; }
    public optim.Optimizer Optimizer { get; }
    public ClassificationLoop Loop { get; }
    public InstrumentContext Instruments { get; }

    public static TrialSetup Create(TrialSpec spec, TrialContext context)
    {
        var device = DeviceOf(spec, context);
        var shared = LoadData(spec, context, device);
        var noisy = spec.Data.LabelNoise > 0 ? LabelNoise.Apply(shared, spec.Data.LabelNoise, spec.Seed) : null;
        var data = noisy ?? shared;

        Seeding.ForTrial(spec.Seed);
        var model = CreateModel(spec.Model, data, device);
        var o = spec.Optimizer;
        var optimizer = OptimizerFactory.Create(o.Kind, model.parameters(), new OptimizerSettings
        {
            LearningRate = o.LearningRate,
            Momentum = o.Kind is OptimizerKind.Sgd or OptimizerKind.Momentum or OptimizerKind.Nesterov ? o.Momentum : null,
            WeightDecay = o.WeightDecay,
            Beta1 = o.Beta1,
            Beta2 = o.Beta2,
            Epsilon = o.Epsilon,
        });
        var length = spec.Settings.Updates > 0 ? spec.Settings.Updates : spec.Settings.Steps;
        var options = new TrainingOptions
        {
            LearningRate = LearningRateSchedule(spec.LearningRateSchedule, o.LearningRate),
            BatchSize = BatchSizeSchedule(spec.BatchSizeSchedule, o.BatchSize),
            GradientPenalty = spec.GradientPenalty,
            Regime = spec.RegimeBaseBatchSize > 0 ? new RegimeAdaptation(spec.RegimeBaseBatchSize) : null,
            TotalUpdates = length > 0 ? length : null,
        };
        var loop = new ClassificationLoop(model, optimizer, data, o.BatchSize, Math.Max(1, spec.Settings.Epochs), spec.Seed, options);
        var instruments = new InstrumentContext(model, data) { LearningRate = o.LearningRate, BatchSize = o.BatchSize };
        instruments.Connect(loop);
        return new TrialSetup(data, noisy, model, optimizer, loop, instruments);
    }

    internal static Device DeviceOf(TrialSpec spec, TrialContext context) =>
        spec.Device == "auto" ? context.Device : Torch.TorchEnvironment.ResolveDevice(spec.Device);

    internal static ClassificationData LoadData(TrialSpec spec, TrialContext context, Device device)
    {
        var d = spec.Data;
        var train = d.TrainSubset != 0 ? d.TrainSubset : spec.Settings.TrainSubset;
        var test = spec.Settings.TestSubset;
        return d.Kind switch
        {
            "FashionMnist" => context.Data.FashionMnist(train, test, device),
            "Idx" => context.Data.Idx(d.Name ?? "IDX", Folder(d) ?? throw new DataSetException(
                $"The IDX data set '{d.Name}' has no folder: set [Idx(Folder = ...)] or the environment variable named by EnvironmentVariable{(d.EnvironmentVariable is null ? "" : $" ({d.EnvironmentVariable})")}."), train, test, device),
            "Cifar10" => context.Data.Cifar10(Folder(d), train, test, device),
            "GaussianMixture" => Subset(context.Data.GaussianMixture(d.Classes, d.Dimensions, d.Train, d.Test, d.Separation, d.Seed, device), train, test, device),
            "TeacherStudent" => Subset(context.Data.TeacherStudent(d.Dimensions, d.TeacherWidth, d.Classes, d.Train, d.Test, d.Seed, device), train, test, device),
            "QuadraticTarget" => Subset(context.Data.QuadraticTarget(d.Dimensions, d.Train, d.Test, d.Noise, d.Seed, device), train, test, device),
            _ => throw new ArgumentException($"Unknown data set kind '{d.Kind}'."),
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
            "Mlp" => Mlp.Create(data.InputSize, m.Sizes, data.OutputSize, device, options),
            "Cnn" => SmallCnn.Create(data.InputShape, data.OutputSize, device, options),
            "ResNet" => SmallResNet.Create(data.InputShape, data.OutputSize, device, options, m.Blocks),
            _ => throw new ArgumentException($"Unknown model kind '{m.Kind}'."),
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
        Instruments.Dispose();
        Loop.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
        _noisy?.Dispose();
    }
}
