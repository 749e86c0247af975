using System.Collections;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Generators.Tests;

/// <summary>The pipeline caches by value: an unrelated edit regenerates nothing, and no step keeps a symbol or syntax node.</summary>
public sealed class CachingTests
{
    private static readonly string[] Tracked =
    [
        Experiments.ExperimentGenerator.TrackingNames.Parse,
        Experiments.ExperimentGenerator.TrackingNames.Models,
        Experiments.ExperimentGenerator.TrackingNames.Catalog,
    ];

    [Fact]
    public void Unrelated_edit_regenerates_nothing()
    {
        var compilation = GeneratorHarness.Compilation(Samples.Grid, "namespace Other; public class Unrelated { public int X => 1; }");
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Last(),
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 2; public int Y => 3; }", GeneratorHarness.ParseOptions, path: "Experiment1.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (var name in Tracked)
        {
            var steps = result.TrackedSteps[name];
            Assert.All(steps.SelectMany(s => s.Outputs), output =>
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {output.Reason}"));
        }
        Assert.All(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Same_compilation_twice_is_fully_cached()
    {
        var compilation = GeneratorHarness.Compilation(Samples.Grid);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var result = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        foreach (var name in Tracked)
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o =>
                Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
    }

    [Fact]
    public void Editing_an_experiment_regenerates_it()
    {
        var compilation = GeneratorHarness.Compilation(Samples.Grid);
        var driver = GeneratorHarness.Driver().RunGenerators(compilation);
        var edited = compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(),
            CSharpSyntaxTree.ParseText(Samples.Grid.Replace("[Values(16, 32)]", "[Values(16, 32, 64)]"), GeneratorHarness.ParseOptions, path: "Experiment0.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[Experiments.ExperimentGenerator.TrackingNames.Parse].SelectMany(s => s.Outputs),
            o => o.Reason == IncrementalStepRunReason.Modified);
    }

    [Fact]
    public void No_step_keeps_a_symbol_syntax_node_or_compilation()
    {
        var compilation = GeneratorHarness.Compilation(Samples.Grid);
        var result = GeneratorHarness.Driver().RunGenerators(compilation).GetRunResult().Results.Single();

        foreach (var step in Tracked.SelectMany(name => result.TrackedSteps[name]))
            foreach (var (value, _) in step.Outputs)
                AssertNoRoslynObjects(value, depth: 0);
    }

    private static void AssertNoRoslynObjects(object? value, int depth)
    {
        if (value is null || depth > 8 || value is string || value.GetType().IsPrimitive || value.GetType().IsEnum) return;
        Assert.False(value is ISymbol or SyntaxNode or Compilation or SemanticModel or SyntaxTree, $"pipeline holds a {value.GetType().Name}");
        if (value is IEnumerable sequence)
        {
            foreach (var item in sequence) AssertNoRoslynObjects(item, depth + 1);
            return;
        }
        if (value.GetType().Namespace?.StartsWith("Declarative", StringComparison.Ordinal) != true && !value.GetType().Name.StartsWith("ValueTuple", StringComparison.Ordinal)) return;
        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
            AssertNoRoslynObjects(property.GetValue(value), depth + 1);
    }
}
