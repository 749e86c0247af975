using System.Reflection;
using System.Text.RegularExpressions;

namespace Declarative.Generators.Tests;

/// <summary>
/// docs/dsl.md cannot drift from the code: every C# block in it compiles through the generator with no
/// diagnostic, every attribute and attribute property of the DSL has an example in it, and its
/// ThreeFactors example is the shipped experiment.
/// </summary>
public sealed class DslDocumentationTests
{
    private static readonly string Root = DiagnosticTests.FindRepositoryRoot();
    private static readonly string Doc = File.ReadAllText(Path.Combine(Root, "docs", "dsl.md")).Replace("\r\n", "\n");

    private const string Usings = "using Declarative;\nusing Declarative.Runtime.Claims;\nnamespace Doc;\n";

    /// <summary>The host record of member examples: the axes and metrics they read (LearningRate is an axis unless the example derives it).</summary>
    private static string MemberHost(bool derivesLearningRate) => $$"""
        [Experiment]
        [Track(Instruments.TestAccuracy | Instruments.BatchLoss | Instruments.DistanceFromInit, Every = 10)]
        public partial record Members([Values(32, 512)] int BatchSize, {{(derivesLearningRate ? "[Values(1e-4, 1e-3)] double RatioLrToBatch" : "[Values(0.01, 0.1)] double LearningRate")}})
        {
        """;

    public static IReadOnlyList<string> Blocks { get; } =
        Regex.Matches(Doc, "```csharp\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToArray();

    public static TheoryData<int> BlockNumbers => new(Enumerable.Range(0, Blocks.Count));

    /// <summary>A block as a compilable file: a whole declaration as it is; parameters, members or attribute lines in a minimal record.</summary>
    internal static IReadOnlyList<string> Sources(string block)
    {
        var lines = block.Split('\n').Select(l => Regex.Replace(l, "\\s*//.*$", "")).Where(l => l.Trim().Length > 0).ToArray();
        if (block.Contains("partial record")) return [Usings + block];
        if (lines[0].TrimStart().StartsWith("public ", StringComparison.Ordinal))
            return [Usings + MemberHost(block.Contains("double LearningRate =>")) + "\n" + string.Join("\n", lines) + "\n}\n"];
        if (lines.All(l => Regex.IsMatch(l, @"\]\s*[\w.]+\s+\w+,?\s*$")))
        {
            // Parameter lines: one record each, or one record for lines joined by commas (linked axes).
            var groups = new List<List<string>> { new() };
            foreach (var line in lines)
            {
                groups[^1].Add(line.Trim().TrimEnd(','));
                if (!line.TrimEnd().EndsWith(',')) groups.Add(new());
            }
            return groups.Where(g => g.Count > 0).Select((g, i) => Usings + $"[Experiment] public partial record Axes{i}({string.Join(", ", g)});\n").ToArray();
        }
        return lines.Select((line, i) =>
        {
            var attribute = line.Trim();
            var experiment = attribute.StartsWith("[Experiment", StringComparison.Ordinal) ? "" : "[Experiment] ";
            // An axis that feeds no setting, so the attribute's own settings are the only ones given.
            var axis = attribute.Contains("AnyOptimizer") ? "[Values(OptimizerKind.Sgd, OptimizerKind.Adam)] OptimizerKind Optimizer" : "[Values(1, 2)] int Variant";
            return Usings + $"{experiment}{attribute}\npublic partial record Attribute{i}({axis});\n";
        }).ToArray();
    }

    [Theory]
    [MemberData(nameof(BlockNumbers))]
    public void Every_example_compiles_through_the_generator_without_a_diagnostic(int block)
    {
        Assert.NotEmpty(Blocks);
        foreach (var source in Sources(Blocks[block]))
        {
            var result = GeneratorHarness.Run(source);
            Assert.True(result.AllDiagnostics.IsEmpty && result.CompilerErrors.IsEmpty,
                $"docs/dsl.md block {block} as compiled:\n{source}\n" + string.Join("\n", result.AllDiagnostics.Concat(result.CompilerErrors)));
            Assert.NotEmpty(result.Sources);
        }
    }

    [Fact]
    public void Every_attribute_and_property_of_the_DSL_has_an_example()
    {
        var code = string.Join("\n", Blocks);
        var missing = new List<string>();
        // ColumnShape and ObservesUpdate annotate the Instruments enum's members; users do not write them.
        var attributes = typeof(ExperimentAttribute).Assembly.GetExportedTypes()
            .Where(t => typeof(Attribute).IsAssignableFrom(t) && !t.IsAbstract && t.Name is not ("ColumnShapeAttribute" or "ObservesUpdateAttribute"));
        static string Short(Type t) => t.Name[..^"Attribute".Length];
        foreach (var type in attributes)
        {
            var name = Short(type);
            if (!Regex.IsMatch(code, $@"[\[,]\s*{name}\b")) missing.Add($"[{name}]");
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.SetMethod!.IsPublic))
            {
                // A property of a shared base (ModelAttribute.Width) needs one example on any attribute of that family.
                var family = property.DeclaringType == type ? name
                    : string.Join("|", attributes.Where(t => t.IsSubclassOf(property.DeclaringType!)).Select(Short));
                if (!Regex.IsMatch(code, $@"\[\s*(?:\w+(?:\([^\]\n]*\))?\s*,\s*)*(?:{family})\b\([^\]\n]*\b{property.Name}\s*="))
                    missing.Add($"[{name}({property.Name} = ...)]");
            }
        }
        Assert.True(missing.Count == 0, "docs/dsl.md has no example of: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_ThreeFactors_example_is_the_shipped_experiment()
    {
        var example = Blocks.Single(b => b.Contains("partial record ThreeFactors("));
        var shipped = File.ReadAllText(Path.Combine(Root, "experiments", "ThreeFactors.cs")).Replace("\r\n", "\n");
        var declaration = shipped[shipped.IndexOf("[Experiment", StringComparison.Ordinal)..];
        Assert.Equal(declaration.TrimEnd(), example.TrimEnd());
    }

    [Fact]
    public void Every_Sources_shape_is_recognised()
    {
        // The wrapping itself must not hide a block: each kind gives the expected number of files.
        Assert.Single(Sources("[Experiment] public partial record A([Values(1)] int BatchSize);"));
        Assert.Equal(2, Sources("[Mlp(64)]\n[Cnn]").Count);
        Assert.Single(Sources("[Values(1), Linked(\"l\")] int BatchSize,\n[Values(0.1), Linked(\"l\")] double LearningRate"));
        Assert.Equal(2, Sources("[Values(1)] int BatchSize\n[Values(0.1)] double LearningRate").Count);
        Assert.Single(Sources("public double LearningRate => 0.1;"));
    }
}
