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
        DataModel Data,
        NetworkModel Network,
        OptimizerModel Optimizer,
        EquatableArray<ParameterModel> Parameters,
        EquatableArray<TrackModel> Tracks,
        EquatableArray<string> Claims);

    internal sealed record BudgetModel(int Epochs, int Seeds, int TrainSubset, int TestSubset);

    internal sealed record DataModel(string Kind);

    internal sealed record NetworkModel(string Kind, EquatableArray<int> Hidden);

    /// <summary>An optimizer and the C# expressions (over the trial's parameters <c>p</c>) of its settings.</summary>
    internal sealed record OptimizerModel(string Kind, string LearningRate, string BatchSize, string Momentum, string WeightDecay);

    /// <summary>A sweep axis: a positional parameter with its type keyword and its values as C# literals.</summary>
    internal sealed record ParameterModel(string Name, string Type, EquatableArray<string> Values);

    /// <summary>One [Track]: the instruments, the cadence as a runtime expression and as text, and the options' initializers.</summary>
    internal sealed record TrackModel(EquatableArray<InstrumentModel> Instruments, string CadenceExpression, string CadenceText, EquatableArray<string> Options);

    /// <summary>An instrument: its enum member name (also its runtime class and its column) and its column shape.</summary>
    internal sealed record InstrumentModel(string Name, bool IsVector);

    /// <summary>The result of parsing one [Experiment] declaration: a model when valid, and its diagnostics.</summary>
    internal sealed record ParseResult(ExperimentModel? Model, EquatableArray<DiagnosticInfo> Diagnostics);
}
