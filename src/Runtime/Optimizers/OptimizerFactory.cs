using Declarative;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Optimizers;

/// <summary>
/// Creates TorchSharp optimizers from a kind and settings (one call from generated code), and
/// reads or sets the learning rate of every parameter group (what schedules change per step).
/// </summary>
public static class OptimizerFactory
{
    public static optim.Optimizer Create(OptimizerKind kind, IEnumerable<TorchSharp.Modules.Parameter> parameters, OptimizerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var p = parameters as IList<TorchSharp.Modules.Parameter> ?? parameters.ToList();
        return kind switch
        {
            OptimizerKind.Sgd => Sgd(p, settings.LearningRate, settings.Momentum ?? 0, settings.Dampening, settings.WeightDecay, nesterov: false),
            OptimizerKind.Momentum => Sgd(p, settings.LearningRate, settings.Momentum ?? AnyOptimizerAttribute.DefaultMomentum, settings.Dampening, settings.WeightDecay, nesterov: false),
            OptimizerKind.Nesterov => Nesterov(p, settings),
            OptimizerKind.Adam => optim.Adam(p, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay, settings.AmsGrad),
            OptimizerKind.AdamW => optim.AdamW(p, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay, settings.AmsGrad),
            OptimizerKind.RAdam => new RectifiedAdam(p, settings.LearningRate, settings.Beta1, settings.Beta2, settings.Epsilon, settings.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer kind."),
        };
    }

    private static optim.Optimizer Nesterov(IList<TorchSharp.Modules.Parameter> p, OptimizerSettings settings)
    {
        var momentum = settings.Momentum ?? AnyOptimizerAttribute.DefaultMomentum;
        if (momentum <= 0 || settings.Dampening != 0)
            throw new ArgumentException($"Nesterov momentum needs a positive momentum and zero dampening (got momentum {momentum}, dampening {settings.Dampening}).", nameof(settings));
        return Sgd(p, settings.LearningRate, momentum, 0, settings.WeightDecay, nesterov: true);
    }

    /// <summary>SGD updating all parameters at once (<see cref="FlatSgd"/>) where they can share one buffer, else TorchSharp's.</summary>
    private static optim.Optimizer Sgd(IList<TorchSharp.Modules.Parameter> p, double lr, double momentum, double dampening, double weightDecay, bool nesterov) =>
        FlatSgd.CanFlatten(p)
            ? new FlatSgd(p, lr, momentum, dampening, weightDecay, nesterov)
            : optim.SGD(p, lr, momentum: momentum, dampening: dampening, weight_decay: weightDecay, nesterov: nesterov);

    /// <summary>Sets the learning rate of every parameter group.</summary>
    public static void SetLearningRate(optim.Optimizer optimizer, double learningRate)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
    }

    /// <summary>The learning rate of the first parameter group.</summary>
    public static double LearningRate(optim.Optimizer optimizer) => optimizer.ParamGroups.First().LearningRate;
}
