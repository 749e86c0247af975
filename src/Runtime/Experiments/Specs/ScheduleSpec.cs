namespace Declarative.Runtime.Experiments.Specs;

/// <summary>A learning-rate or batch-size schedule as declared (the generated code sets its factor, the DSL's default when not given).</summary>
public sealed record ScheduleSpec
{
    public ScheduleKind Kind { get; init; }
    public int WarmupSteps { get; init; }
    public int Period { get; init; }
    public double Factor { get; init; }
    public double Minimum { get; init; }
}
