using Microsoft.CodeAnalysis;

namespace Declarative.Generators.Tests;

/// <summary>Each diagnostic has a declaration that triggers it and a corrected one that does not.</summary>
public sealed class DiagnosticTests
{
    private static string Record(string attributes = "", string parameters = "[Values(0.1)] double LearningRate", string body = "", string experiment = "[Experiment]") => $$"""
        using Declarative;
        namespace T;
        {{experiment}}
        {{attributes}}
        public partial record E({{parameters}})
        {
            {{body}}
        }
        """;

    public static TheoryData<string, string, string> Cases => new()
    {
        { "DCL001", "using Declarative; [Experiment] public partial class E { }", Record() },
        { "DCL002", "using Declarative; [Experiment] public record E([Values(1)] int BatchSize);", Record() },
        { "DCL003", Record(parameters: "[Values(\"fast\")] double LearningRate"), Record(parameters: "[Values(0.1, 1)] double LearningRate") },
        { "DCL004", Record(parameters: "double LearningRate"), Record(parameters: "[Values(0.1)] double LearningRate") },
        { "DCL005", Record(parameters: "[Values(new double[0])] double LearningRate"), Record(parameters: "[Values(new double[] { 0.1 })] double LearningRate") },
        { "DCL006", Record(parameters: "[Values(32, 64, 32)] int BatchSize"), Record(parameters: "[Values(32, 64)] int BatchSize") },
        { "DCL007", Record("[Track(Instruments.TestLoss)]"), Record("[Track(Instruments.TestLoss, AtEnd = true)]") },
        { "DCL007", Record("[Track(Instruments.TestLoss, Every = 0)]"), Record("[Track(Instruments.TestLoss, Every = 10)]") },
        { "DCL007", Record("[Track(Instruments.TestLoss, Every = 5, AtEnd = true)]"), Record("[Track(Instruments.TestLoss, Every = 5)]") },
        { "DCL008", Record(body: "public string BatchSize => \"large\";"), Record(body: "public int BatchSize => 256;") },
        { "DCL009", Record(experiment: "[Experiment(Seeds = 0)]"), Record(experiment: "[Experiment(Seeds = 2)]") },
        { "DCL010", Record() + "\n[Experiment(Name = \"E\")] public partial record F([Values(1)] int BatchSize);", Record() + "\n[Experiment(Name = \"F\")] public partial record F([Values(1)] int BatchSize);" },
        { "DCL011", Record("[Track(Instruments.None, AtEnd = true)]"), Record("[Track(Instruments.TestAccuracy, AtEnd = true)]") },
        { "DCL012", Record("[Mlp(128, 0)]"), Record("[Mlp(128, 64)]") },
        { "DCL013", Record(parameters: "[LogRange(0.0, 1.0, 3)] double LearningRate"), Record(parameters: "[LogRange(0.001, 1.0, 4)] double LearningRate") },
        { "DCL014", Record(parameters: "[Values(0.1, 0.2), Linked(\"ratio\")] double LearningRate, [Values(32, 64, 128), Linked(\"ratio\")] int BatchSize"),
                    Record(parameters: "[Values(0.1, 0.2, 0.4), Linked(\"ratio\")] double LearningRate, [Values(32, 64, 128), Linked(\"ratio\")] int BatchSize") },
        { "DCL015", Record(experiment: "[Experiment(Epochs = 2, Steps = 100)]"), Record(experiment: "[Experiment(Steps = 100)]") },
        { "DCL016", Record("[QuadraticTarget, Track(Instruments.TestAccuracy, AtEnd = true)]"), Record("[QuadraticTarget, Track(Instruments.TestLoss, AtEnd = true)]") },
        { "DCL017", Record("[Sgd, Adam]"), Record("[Adam]") },
        { "DCL018", Record(parameters: "[LinearRange(0.1, 0.5, 1)] double LearningRate"), Record(parameters: "[LinearRange(0.1, 0.5, 5)] double LearningRate") },
        { "DCL019", Record(parameters: "[Values(0.1), LogRange(0.01, 1.0, 3)] double LearningRate"), Record(parameters: "[LogRange(0.01, 1.0, 3)] double LearningRate") },
        { "DCL020", Record("[Sgd(Nesterov = true)]"), Record("[Sgd(Nesterov = true, Momentum = 0.9)]") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Mistake_is_reported_on_its_token_and_the_correction_compiles(string id, string wrong, string right)
    {
        var bad = GeneratorHarness.Run(wrong);
        var diagnostic = Assert.Single(bad.AllDiagnostics, d => d.Id == id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.True(diagnostic.Location.Kind is LocationKind.SourceFile or LocationKind.ExternalFile, $"{id} has no location");
        Assert.EndsWith(".cs", diagnostic.Location.GetLineSpan().Path);
        Assert.False(diagnostic.Location.SourceSpan.IsEmpty, $"{id} has an empty span");
        Assert.EndsWith($"docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.Matches("(: |, |; )[a-z]", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)); // the message goes on to say how to fix it

        var good = GeneratorHarness.Run(right);
        Assert.Empty(good.AllDiagnostics);
        Assert.Empty(good.CompilerErrors);
    }

    [Fact]
    public void Every_diagnostic_has_a_test_case_and_a_help_page()
    {
        var tested = Cases.Select(c => (string)c[0]).ToHashSet();
        var root = FindRepositoryRoot();
        foreach (var descriptor in Diagnostics.DiagnosticDescriptors.All)
        {
            Assert.Contains(descriptor.Id, tested);
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md is missing");
        }
        Assert.True(Diagnostics.DiagnosticDescriptors.All.Count() >= 12);
        Assert.Equal(Diagnostics.DiagnosticDescriptors.All.Count(), Diagnostics.DiagnosticDescriptors.All.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void A_wrong_value_is_reported_on_the_attribute_of_its_parameter()
    {
        var source = Record(parameters: "[Values(0.1)] double LearningRate, [Values(\"big\")] int BatchSize");
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).GeneratorDiagnostics);

        var text = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.Equal("Values(\"big\")", text);
        Assert.Contains("'BatchSize'", diagnostic.GetMessage());
    }

    internal static string FindRepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Declarative.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Declarative.sln not found above the test folder.");
    }
}
