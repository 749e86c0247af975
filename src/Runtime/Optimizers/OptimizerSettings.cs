namespace Declarative.Runtime.Optimizers;

/// <summary>
/// Every hyper-parameter of the optimizers of <see cref="OptimizerKind"/>, with PyTorch's learning rate and the DSL's
/// defaults otherwise (<see cref="AdamAttribute"/>'s betas and epsilon; <see cref="AnyOptimizerAttribute.DefaultMomentum"/>
/// for <see cref="OptimizerKind.Momentum"/> and <see cref="OptimizerKind.Nesterov"/> when <see cref="Momentum"/> is left
/// unset). Settings that a kind does not use are ignored.
/// </summary>
public sealed record OptimizerSettings
{
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Momentum of SGD; null means 0 for <see cref="OptimizerKind.Sgd"/> and <see cref="AnyOptimizerAttribute.DefaultMomentum"/> for the momentum kinds.</summary>
    public double? Momentum { get; init; }

    /// <summary>Dampening of SGD momentum (PyTorch: 0; must be 0 for Nesterov).</summary>
    public double Dampening { get; init; }

    /// <summary>L2 weight decay (decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    public double Beta1 { get; init; } = AdamAttribute.DefaultBeta1;
    public double Beta2 { get; init; } = AdamAttribute.DefaultBeta2;
    public double Epsilon { get; init; } = AdamAttribute.DefaultEpsilon;

    /// <summary>The AMSGrad variant of Adam and AdamW.</summary>
    public bool AmsGrad { get; init; }
}
