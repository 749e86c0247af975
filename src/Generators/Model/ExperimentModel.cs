using Declarative.Generators.Helpers;

namespace Declarative.Generators.Model
{
    /// <summary>Everything the emitter needs about one experiment record, as plain values.</summary>
    internal sealed record ExperimentModel(
        string? Namespace,
        string TypeName,
        string FullyQualifiedName,
        EquatableArray<string> ContainingTypes,
        string ExperimentName,
        string Summary,
        string Declaration,
        BudgetModel Full,
        BudgetModel Smoke,
        TargetModel? Target,
        string Device,
        DataSetModel Data,
        NetworkModel Network,
        ComponentModel Optimizer,
        ComponentModel? LearningRateSchedule,
        ComponentModel? BatchSizeSchedule,
        RegimeModel? Regime,
        string? GradientPenalty,
        EquatableArray<ParameterModel> Parameters,
        bool HasExclusion,
        int CheckpointEvery,
        EquatableArray<TrackModel> Tracks,
        EquatableArray<ClaimModel> Claims);
}
