using System.Collections.Immutable;
using System.Reflection;
using Declarative.Generators.Experiments;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Generators.Tests;

/// <summary>Runs the experiment generator on source text, as the compiler would in a user's project.</summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Parse);

    private static readonly ImmutableArray<MetadataReference> References =
    [
        .. Basic.Reference.Assemblies.Net100.References.All,
        MetadataReference.CreateFromFile(typeof(ExperimentAttribute).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(Runtime.Experiments.IExperimentDefinition).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(TorchSharp.torch).Assembly.Location),
    ];

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create(
            "Experiments" + Guid.NewGuid().ToString("N"),
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"Experiment{i}.cs")),
            References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create(
            [new ExperimentGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public sealed record Result(Compilation Output, ImmutableArray<Diagnostic> GeneratorDiagnostics, IReadOnlyList<(string HintName, string Source)> Sources)
    {
        /// <summary>What the user sees: the generator's diagnostics and the declaration analyzer's.</summary>
        public ImmutableArray<Diagnostic> AllDiagnostics =>
            GeneratorDiagnostics.AddRange(Analyze(Output));

        public ImmutableArray<Diagnostic> CompilerErrors =>
            Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

        public string Source(string hintSuffix) => Sources.Single(s => s.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).Source;
    }

    public static Result Run(params string[] sources)
    {
        var driver = Driver().RunGeneratorsAndUpdateCompilation(Compilation(sources), out var output, out var diagnostics);
        var generated = driver.GetRunResult().Results.SelectMany(r => r.GeneratedSources)
            .OrderBy(s => s.HintName, StringComparer.Ordinal)
            .Select(s => (s.HintName, s.SourceText.ToString())).ToArray();
        return new Result(output, diagnostics, generated);
    }

    /// <summary>Every analyzer the Declarative package ships, as the compiler loads them from analyzers/dotnet/cs.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> AllAnalyzers =
    [
        .. typeof(ExperimentGenerator).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), false).Length > 0)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!),
    ];

    public static ImmutableArray<Diagnostic> Analyze(Compilation compilation) =>
        compilation.WithAnalyzers(AllAnalyzers)
            .GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    /// <summary>Compiles the generated program and loads it into the test process.</summary>
    public static Assembly Load(Result result)
    {
        Assert.Empty(result.GeneratorDiagnostics);
        Assert.Empty(result.CompilerErrors);
        using var stream = new MemoryStream();
        var emit = result.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        return Assembly.Load(stream.ToArray());
    }
}
