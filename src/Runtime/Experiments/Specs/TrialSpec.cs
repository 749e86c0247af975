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
    public string Device { get; init; } = "auto";

    public required DataSpec Data { get; init; }
    public required ModelSpec Model { get; init; }
    public required OptimizerSpec Optimizer { get; init; }
    public ScheduleSpec? LearningRateSchedule { get; init; }
    public ScheduleSpec? BatchSizeSchedule { get; init; }

    /// <summary>B0 of regime adaptation (lr scaled by sqrt(B / B0)); 0 when off.</summary>
    public int RegimeBaseBatchSize { get; init; }

    /// <summary>λ of the explicit gradient-norm penalty L + λ‖∇L‖²; 0 when off.</summary>
    public double GradientPenalty { get; init; }
}

/// <summary>A data set as declared: its kind (FashionMnist, Idx, Cifar10, GaussianMixture, TeacherStudent, QuadraticTarget) and settings.</summary>
public sealed record DataSpec(string Kind)
{
    public string? Name { get; init; }
    public string? Folder { get; init; }
    public string? EnvironmentVariable { get; init; }
    public int TrainSubset { get; init; }
    public double LabelNoise { get; init; }
    public int Classes { get; init; } = 10;
    public int Dimensions { get; init; } = 64;
    public int TeacherWidth { get; init; } = 32;
    public int Train { get; init; } = 8192;
    public int Test { get; init; } = 2048;
    public double Separation { get; init; } = 2.0;
    public double Noise { get; init; }
    public int Seed { get; init; } = 1;
}

/// <summary>A model as declared: kind (Mlp, Cnn, ResNet), hidden sizes (Mlp), width multiplier, init scale, normalisation.</summary>
public sealed record ModelSpec(string Kind)
{
    public int[] Sizes { get; init; } = [];
    public double Width { get; init; } = 1.0;
    public double InitScale { get; init; } = 1.0;
    public Normalization Normalization { get; init; }
    public int GhostBatchSize { get; init; } = 32;
    public int Blocks { get; init; } = 1;
}

/// <summary>An optimizer and its hyper-parameters for one trial.</summary>
public sealed record OptimizerSpec
{
    public OptimizerKind Kind { get; init; }
    public double LearningRate { get; init; } = 0.1;
    public int BatchSize { get; init; } = 128;
    public double WeightDecay { get; init; }
    public double Momentum { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
}

/// <summary>A learning-rate or batch-size schedule as declared.</summary>
public sealed record ScheduleSpec
{
    public ScheduleKind Kind { get; init; }
    public int WarmupSteps { get; init; }
    public int Period { get; init; }
    public double Factor { get; init; }
    public double Minimum { get; init; }
}
