namespace Declarative.Runtime.Experiments.Specs;

/// <summary>
/// Everything one trial trains with, as the generated code fills it from the declaration and the
/// trial's point: a plain value a user can inspect in the debugger (<c>Experiment.SpecFor(trial)</c>).
/// </summary>
public sealed record TrialSpec
{
    public required int Seed { get; init; }
    public required ExperimentSettings Settings { get; init; }

    /// <summary>As declared: auto, cpu or cuda; the runner's <c>--device</c> applies when this is auto.</summary>
    public string Device { get; init; } = ExperimentAttribute.DefaultDevice;

    public required DataSpec Data { get; init; }
    public required ModelSpec Model { get; init; }
    public required OptimizerSpec Optimizer { get; init; }
    public ScheduleSpec? LearningRateSchedule { get; init; }
    public ScheduleSpec? BatchSizeSchedule { get; init; }

    /// <summary>B0 of regime adaptation (more updates, and lr scaled by sqrt(B / B0)); 0 when off.</summary>
    public int RegimeBaseBatchSize { get; init; }

    /// <summary>Regime adaptation's "more updates" part alone: the learning rate is not scaled.</summary>
    public bool RegimeKeepsLearningRate { get; init; }

    /// <summary>Regime adaptation's "scaled learning rate" part alone: the declared epochs, not more updates.</summary>
    public bool RegimeKeepsEpochs { get; init; }

    /// <summary>λ of the explicit gradient-norm penalty L + λ‖∇L‖²; 0 when off.</summary>
    public double GradientPenalty { get; init; }
}
