namespace Declarative.Runtime.Experiments.Specs;

/// <summary>
/// An optimizer and its hyper-parameters for one trial. The defaults are the DSL's (<see cref="OptimizerAttribute"/>,
/// <see cref="SgdAttribute"/>, <see cref="AdamAttribute"/>); the generated code sets every member.
/// </summary>
public sealed record OptimizerSpec
{
    public OptimizerKind Kind { get; init; }

    /// <summary>
    /// The declared learning rate: the one value a trial's learning rate comes from. The loop's schedule starts from it
    /// (<see cref="Training.LoopMember.DeclaredLearningRate"/>), and what each update uses after schedules and regime adaptation is
    /// <see cref="Training.TrainingState.ScheduledLearningRate"/>.
    /// </summary>
    public double LearningRate { get; init; } = SgdAttribute.DefaultLearningRate;

    public int BatchSize { get; init; } = OptimizerAttribute.DefaultBatchSize;
    public double WeightDecay { get; init; }
    public double Momentum { get; init; }
    public double Beta1 { get; init; } = AdamAttribute.DefaultBeta1;
    public double Beta2 { get; init; } = AdamAttribute.DefaultBeta2;
    public double Epsilon { get; init; } = AdamAttribute.DefaultEpsilon;
}
