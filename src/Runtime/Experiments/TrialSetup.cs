using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// Turns a trial's <see cref="TrialSpec"/> into the objects its generated loop drives: the data on
/// the device, the model (initialised from the trial's seed), the optimizer, the training loop and
/// the instruments' shared context. Disposing it frees the model, optimizer and loop.
/// </summary>
public sealed class TrialSetup : IDisposable
{
    private TrialSetup(ClassificationData data, nn.Module<Tensor, Tensor> model, optim.Optimizer optimizer, ClassificationLoop loop, InstrumentContext instruments)
    {
        Data = data;
        Model = model;
        Optimizer = optimizer;
        Loop = loop;
        Instruments = instruments;
    }

    public ClassificationData Data { get; }
    public nn.Module<Tensor, Tensor> Model { get; }
    public optim.Optimizer Optimizer { get; }
    public ClassificationLoop Loop { get; }
    public InstrumentContext Instruments { get; }

    public static TrialSetup Create(TrialSpec spec, TrialContext context)
    {
        if (spec.Settings.Steps > 0 || spec.Settings.Updates > 0)
            throw new NotSupportedException("Budgets in steps or updates are not available in this build; use Epochs.");
        var device = spec.Device == "auto" ? context.Device : Torch.TorchEnvironment.ResolveDevice(spec.Device);
        var data = LoadData(spec, context, device);
        Seeding.ForTrial(spec.Seed);
        var model = CreateModel(spec.Model, data, device);
        var optimizer = CreateOptimizer(spec.Optimizer, model);
        var loop = new ClassificationLoop(model, optimizer, data, spec.Optimizer.BatchSize, spec.Settings.Epochs, spec.Seed);
        var instruments = new InstrumentContext(model, data) { LearningRate = spec.Optimizer.LearningRate, BatchSize = spec.Optimizer.BatchSize };
        loop.BeforeUpdate += instruments.RaiseBeforeUpdate;
        return new TrialSetup(data, model, optimizer, loop, instruments);
    }

    private static ClassificationData LoadData(TrialSpec spec, TrialContext context, Device device)
    {
        var d = spec.Data;
        if (d.LabelNoise != 0)
            throw new NotSupportedException($"Label noise ({d.LabelNoise}) is not available in this build.");
        var train = d.TrainSubset != 0 ? d.TrainSubset : spec.Settings.TrainSubset;
        return d.Kind switch
        {
            "FashionMnist" => context.Data.FashionMnist(train, spec.Settings.TestSubset, device),
            _ => throw new NotSupportedException($"Data set kind '{d.Kind}' is not available in this build."),
        };
    }

    private static nn.Module<Tensor, Tensor> CreateModel(ModelSpec m, ClassificationData data, Device device)
    {
        if (m.Kind != "Mlp" || m.Normalization != Normalization.None || m.Width != 1.0 || m.InitScale != 1.0)
            throw new NotSupportedException($"Model {m} is not available in this build.");
        return Models.Mlp.Create(data.InputSize, m.Sizes, data.ClassCount, device);
    }

    private static optim.Optimizer CreateOptimizer(OptimizerSpec o, nn.Module<Tensor, Tensor> model) => o.Kind switch
    {
        OptimizerKind.Sgd or OptimizerKind.Momentum => optim.SGD(model.parameters(), o.LearningRate, momentum: o.Momentum, weight_decay: o.WeightDecay),
        OptimizerKind.Nesterov => optim.SGD(model.parameters(), o.LearningRate, momentum: o.Momentum, nesterov: true, weight_decay: o.WeightDecay),
        OptimizerKind.Adam => optim.Adam(model.parameters(), o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay),
        OptimizerKind.RAdam => optim.RAdam(model.parameters(), o.LearningRate, o.Beta1, o.Beta2, o.Epsilon, o.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Kind, "Unknown optimizer kind."),
    };

    public void Dispose()
    {
        Loop.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
