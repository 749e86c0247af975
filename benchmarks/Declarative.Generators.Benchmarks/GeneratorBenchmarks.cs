using BenchmarkDotNet.Attributes;
using Declarative.Generators.Experiments;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Generators.Benchmarks;

/// <summary>
/// The generator's cost on a compilation of 200 experiment records: a cold run (every record parsed
/// and emitted) and an incremental run after an edit to one unrelated file (what the IDE pays per keystroke).
/// </summary>
[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private const int Records = 200;
    private CSharpCompilation _compilation = null!;
    private CSharpCompilation _edited = null!;
    private GeneratorDriver _warm = null!;
    private static readonly CSharpParseOptions Options = new(LanguageVersion.Latest);

    [GlobalSetup]
    public void Setup()
    {
        var trees = Enumerable.Range(0, Records).Select(i => CSharpSyntaxTree.ParseText(Record(i), Options, path: $"E{i}.cs")).ToList();
        trees.Add(CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 1; }", Options, path: "Unrelated.cs"));
        _compilation = CSharpCompilation.Create("Bench", trees,
            [.. Basic.Reference.Assemblies.Net100.References.All, MetadataReference.CreateFromFile(typeof(ExperimentAttribute).Assembly.Location)],
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        _edited = _compilation.ReplaceSyntaxTree(trees[^1],
            CSharpSyntaxTree.ParseText("namespace Other; public class Unrelated { public int X => 2; }", Options, path: "Unrelated.cs"));
        _warm = Driver().RunGenerators(_compilation);
    }

    private static GeneratorDriver Driver() =>
        CSharpGeneratorDriver.Create([new ExperimentGenerator().AsSourceGenerator()], parseOptions: Options);

    [Benchmark(Description = "cold: 200 records")]
    public GeneratorDriver Cold() => Driver().RunGenerators(_compilation);

    [Benchmark(Description = "incremental: unrelated edit")]
    public GeneratorDriver Incremental() => _warm.RunGenerators(_edited);

    private static string Record(int i) => $$"""
        using Declarative;
        namespace Bench.N{{i % 10}};

        /// <summary>Experiment {{i}}.</summary>
        [Experiment(Epochs = 3, Seeds = 2)]
        [Smoke(Epochs = 1, Seeds = 1, TrainSubset = 1000)]
        [FashionMnist]
        [Mlp(256, 256)]
        [Sgd(Momentum = 0.9)]
        [Track(Instruments.BatchLoss | Instruments.DistanceFromInit, Every = 100)]
        [Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEpochEnd = true)]
        public partial record Experiment{{i}}(
            [Values(0.01, 0.05, 0.1)] double LearningRate,
            [LogRange(32, 512, 5)] int BatchSize,
            [Values(0.0, 0.2), Linked("noise")] double LabelNoise,
            [Values(1.0, 2.0), Linked("noise")] double Width)
        {
            public double Ratio => LearningRate / BatchSize;
            public bool Excluded => BatchSize > 256 && LearningRate < 0.05;
        }
        """;
}
