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
        string Device,
        ComponentModel Data,
        ComponentModel Network,
        ComponentModel Optimizer,
        ComponentModel? LearningRateSchedule,
        ComponentModel? BatchSizeSchedule,
        string? RegimeBaseBatchSize,
        string? GradientPenalty,
        EquatableArray<ParameterModel> Parameters,
        bool HasExclusion,
        int CheckpointEvery,
        EquatableArray<TrackModel> Tracks,
        EquatableArray<ClaimModel> Claims);

    /// <summary>
    /// The size of a run at one budget: its length (epochs, steps or fixed updates), seeds and subsets. With a seed range
    /// <see cref="MaxSeeds"/> is above <see cref="Seeds"/> (0: a fixed seed count).
    /// </summary>
    internal sealed record BudgetModel(int Epochs, int Steps, int Updates, int Seeds, int TrainSubset, int TestSubset, int MaxSeeds = 0);

    /// <summary>
    /// A declared component (data set, model, optimizer, schedule): its kind and its settings as
    /// C# expressions, either a literal from the attribute or <c>p.Member</c> from the record.
    /// </summary>
    internal sealed record ComponentModel(string Kind, EquatableArray<Setting> Settings);

    /// <summary>One named setting of a component, as a C# expression.</summary>
    internal sealed record Setting(string Name, string Expression);

    /// <summary>
    /// A sweep axis: a positional parameter, its C# type (keyword or global:: name), its values as C#
    /// literals, and the group of axes it is linked with (null: crossed with the others).
    /// </summary>
    internal sealed record ParameterModel(string Name, string Type, string Reader, EquatableArray<string> Values, string? LinkGroup);

    /// <summary>One [Track]: the instruments, the cadence as a runtime expression and as text, and the options' initializers.</summary>
    internal sealed record TrackModel(EquatableArray<InstrumentModel> Instruments, string CadenceExpression, string CadenceText, EquatableArray<string> Options);

    /// <summary>An instrument: its enum member name (also its runtime class and its column) and its column shape.</summary>
    internal sealed record InstrumentModel(string Name, bool IsVector);

    /// <summary>The result of parsing one [Experiment] declaration: a model when valid, and its diagnostics.</summary>
    internal sealed record ParseResult(ExperimentModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
