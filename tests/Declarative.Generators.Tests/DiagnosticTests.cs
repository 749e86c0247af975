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
        { "DCL001", "using Declarative; [Experiment] public partial record struct E([Values(1)] int BatchSize);", Record() },
        { "DCL005", Record(parameters: "[Values()] double LearningRate"), Record(parameters: "[Values(0.1)] double LearningRate") },
        { "DCL006", Record(parameters: "[LogRange(1, 2, 30)] int BatchSize"), Record(parameters: "[LogRange(1, 64, 7)] int BatchSize") },
        { "DCL016", Record("[GaussianMixture, Cnn]"), Record("[GaussianMixture, Mlp(64)]") },
        { "DCL016", Record("[QuadraticTarget(LabelNoise = 0.2)]"), Record("[QuadraticTarget(Noise = 0.2)]") },
        { "DCL016", Record("[Track(Instruments.FlippedLabelAccuracy, AtEnd = true)]"), Record("[FashionMnist(LabelNoise = 0.2), Track(Instruments.FlippedLabelAccuracy, AtEnd = true)]") },
        { "DCL016", Record("[Track(Instruments.FlippedLabelLoss, AtEnd = true)]"), Record("[Track(Instruments.FlippedLabelLoss, AtEnd = true)]", parameters: "[Values(0.1)] double LearningRate, [Values(0.0, 0.2)] double LabelNoise") },
        { "DCL021", Record("[Mlp(64, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 32)]", "[Values(0.1)] double LearningRate, [Values(48, 64)] int BatchSize"),
                    Record("[Mlp(64, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 32)]", "[Values(0.1)] double LearningRate, [Values(32, 64)] int BatchSize") },
        { "DCL021", Record("[Mlp(64, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 48)]"), Record("[Mlp(64, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 64)]") },
        { "DCL022", Record(parameters: "[Values(-0.1, 0.1)] double LearningRate"), Record(parameters: "[Values(0.01, 0.1)] double LearningRate") },
        { "DCL022", Record(parameters: "[Values(0.1)] double LearningRate, [Values(0, 32)] int BatchSize"), Record(parameters: "[Values(0.1)] double LearningRate, [Values(1, 32)] int BatchSize") },
        { "DCL022", Record("[Adam(Beta2 = 1.0)]"), Record("[Adam(Beta2 = 0.99)]") },
        { "DCL022", Record("[Sgd(Momentum = 1.5)]"), Record("[Sgd(Momentum = 0.9)]") },
        { "DCL022", Record("[Sgd(WeightDecay = -1e-4)]"), Record("[Sgd(WeightDecay = 1e-4)]") },
        { "DCL022", Record("[Adam(Epsilon = 0)]"), Record("[Adam(Epsilon = 1e-6)]") },
        { "DCL022", Record(parameters: "[Values(0.1)] double LearningRate, [Values(0.9, 1.0)] double Momentum"), Record(parameters: "[Values(0.1)] double LearningRate, [Values(0.0, 0.9)] double Momentum") },
        { "DCL023", Record("[Sgd]", "[Values(0.1)] double LearningRate, [Values(0.9, 0.99)] double Beta1"), Record("[Adam]", "[Values(0.1)] double LearningRate, [Values(0.9, 0.99)] double Beta1") },
        { "DCL023", Record("[Adam]", body: "public double Momentum => 0.9;"), Record("[Sgd]", body: "public double Momentum => 0.9;") },
        { "DCL024", Record(body: "public Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);"),
                    Record(body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);") },
        { "DCL025", Record("[FashionMnist(TrainSubset = 100)]", "[Values(0.1)] double LearningRate, [Values(32, 128)] int BatchSize"),
                    Record("[FashionMnist(TrainSubset = 100)]", "[Values(0.1)] double LearningRate, [Values(32, 64)] int BatchSize") },
        { "DCL025", Record("[Smoke(TrainSubset = 64), Sgd(BatchSize = 128)]"), Record("[Smoke(TrainSubset = 256), Sgd(BatchSize = 128)]") },
        { "DCL026", Record("[Sgd(LearningRate = 0.05)]"), Record("[Sgd]") },
        { "DCL026", Record("[Mlp(64, Width = 2.0)]", body: "public double Width => 1.0;"), Record("[Mlp(64)]", body: "public double Width => 1.0;") },
        { "DCL026", Record("[Track(Instruments.HessianTopEigenvalues, AtEnd = true, TopK = 3), Track(Instruments.HessianTopEigenvalues | Instruments.TestLoss, Every = 10, TopK = 1)]"),
                    Record("[Track(Instruments.HessianTopEigenvalues, AtEnd = true, TopK = 3), Track(Instruments.HessianTopEigenvalues | Instruments.TestLoss, Every = 10, TopK = 3)]") },
        { "DCL027", Record("[Track(Instruments.TestLoss, Every = 500)]", experiment: "[Experiment(Steps = 100)]"), Record("[Track(Instruments.TestLoss, Every = 50)]", experiment: "[Experiment(Steps = 100)]") },
        { "DCL027", Record("[Track(Instruments.TestLoss, AtSteps = new[] { 10, 200 })]", experiment: "[Experiment(Steps = 100)]"), Record("[Track(Instruments.TestLoss, AtSteps = new[] { 10, 100 })]", experiment: "[Experiment(Steps = 100)]") },
        { "DCL028", Record(experiment: "[Experiment(Epoch = 3)]"), Record(experiment: "[Experiment(Epochs = 3)]") },
        { "DCL028", Record("[Sgd(Momentom = 0.9)]"), Record("[Sgd(Momentum = 0.9)]") },
        { "DCL029", Record(body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.HessianTrace), by: p => p.LearningRate);"),
                    Record("[Track(Instruments.HessianTrace | Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.HessianTrace), by: p => p.LearningRate);") },
        { "DCL030", Record(parameters: "[Values(0.1, 0.2)] float LearningRate"), Record(parameters: "[Values(0.1, 0.2)] double LearningRate") },
        { "DCL031", Record(parameters: "[Valuez(0.1, 0.2)] double LearningRate"), Record(parameters: "[Values(0.1, 0.2)] double LearningRate") },
        { "DCL031", Record("[FashionMNIST]"), Record("[FashionMnist]") },
        { "DCL032", Record("[ResNet(Normalization = Normalization.None)]"), Record("[ResNet]") },
        { "DCL032", Record("[Mlp(64, GhostBatchSize = 64)]"), Record("[Mlp(64, Normalization = Normalization.GhostBatchNorm, GhostBatchSize = 64)]") },
        { "DCL033", Record("[Track(Instruments.TestAccuracy, AtEnd = true, TopK = 3)]"), Record("[Track(Instruments.TestAccuracy | Instruments.HessianTopEigenvalues, AtEnd = true, TopK = 3)]") },
        { "DCL033", Record("[Track(Instruments.HessianTrace, AtEnd = true, Epsilon = 1e-3)]"), Record("[Track(Instruments.HessianTrace, AtEnd = true, Samples = 20)]") },
        { "DCL034", Record("[Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 4, MaxSeeds = 2)]"),
                    Record("[Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 2, MaxSeeds = 8)]") },
        { "DCL034", Record("[Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 2, MaxSeeds = 2)]"),
                    Record("[Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 2)]") },
        { "DCL034", Record("[Smoke(MaxSeeds = -1), Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 2)]"),
                    Record("[Smoke(MaxSeeds = 4), Track(Instruments.TestAccuracy, AtEnd = true)]", body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);", experiment: "[Experiment(Seeds = 2)]") },
        { "DCL035", Record(experiment: "[Experiment(Seeds = 2, MaxSeeds = 8)]"), Record(experiment: "[Experiment(Seeds = 2)]") },
        { "DCL036", Record("[TrainUntil]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL036", Record("[TrainUntil(TrainLoss = 0.1, TrainAccuracy = 0.9)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainAccuracy = 0.9)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL036", Record("[TrainUntil(Examples = 1000)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainLoss = 0.1, Examples = 1000)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL037", Record("[TrainUntil(TrainLoss = 0)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainLoss = 0.05)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL037", Record("[TrainUntil(TrainAccuracy = 97)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainAccuracy = 0.97)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL037", Record("[TrainUntil(TrainAccuracy = 0.97, Examples = -1)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainAccuracy = 0.97, Examples = 10_000)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL038", Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Steps = 2_000)]"), Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL038", Record("[TrainUntil(TrainLoss = 0.1), Smoke(Updates = 200)]", experiment: "[Experiment(Epochs = 5)]"), Record("[TrainUntil(TrainLoss = 0.1), Smoke(Epochs = 1)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL039", Record("[TrainUntil(TrainLoss = 0.1)]"), Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Epochs = 5)]") },
        { "DCL039", Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Seeds = 3)]"), Record("[TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Epochs = 20, Seeds = 3)]") },
        { "DCL016", Record("[QuadraticTarget, TrainUntil(TrainAccuracy = 0.9)]", experiment: "[Experiment(Epochs = 5)]"), Record("[QuadraticTarget, TrainUntil(TrainLoss = 0.1)]", experiment: "[Experiment(Epochs = 5)]") },
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
        Assert.DoesNotMatch(@"\{\d+\}|\s{2}|''|\(\)|: :|\bnull\b", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)); // no unfilled or garbled placeholders

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

    [Fact]
    public void A_long_axis_takes_integral_values_the_compiler_typed_as_double_and_refuses_fractions()
    {
        var good = GeneratorHarness.Run(Record(parameters: "[Values(0.1)] double LearningRate, [Values(10000000000, 20000000000)] long Examples"));
        Assert.Empty(good.AllDiagnostics);
        Assert.Empty(good.CompilerErrors);

        var bad = Assert.Single(GeneratorHarness.Run(Record(parameters: "[Values(0.1)] double LearningRate, [Values(1.5)] long Examples")).AllDiagnostics);
        Assert.Equal("DCL003", bad.Id);
        Assert.Contains("holds double values but the parameter is 'long'", bad.GetMessage());
    }

    [Fact]
    public void A_duplicate_from_a_range_names_the_range_and_its_fix()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Record(parameters: "[LogRange(1, 2, 30)] int BatchSize")).AllDiagnostics);
        var message = diagnostic.GetMessage();
        Assert.StartsWith("[LogRange] of parameter 'BatchSize' gives 1 more than once", message);
        Assert.Contains("fewer values or a wider range", message);
        Assert.DoesNotContain("[Values]", message);
    }

    [Fact]
    public void A_float_axis_is_refused_in_words_that_say_what_to_use()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Record(parameters: "[Values(0.1)] float LearningRate")).AllDiagnostics);
        Assert.Equal("Parameter 'LearningRate' is a 'float', which a sweep axis cannot be: declare it as double, int, long, bool, string or an enum", diagnostic.GetMessage());
        Assert.Equal("float", Record(parameters: "[Values(0.1)] float LearningRate").Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Theory]
    [InlineData("[Experiment] public partial record A([Values(1)] int BatchSize);", "[Experiment(Name = \"A\")] public partial record B([Values(1)] int BatchSize);", "Experiment1.cs", "Name = \"A\"")]
    [InlineData("[Experiment(Name = \"B\")] public partial record A([Values(1)] int BatchSize);", "[Experiment] public partial record B([Values(1)] int BatchSize);", "Experiment0.cs", "Name = \"B\"")]
    public void Two_experiments_with_one_name_report_on_the_one_that_took_the_name(string first, string second, string file, string token)
    {
        const string Header = "using Declarative;\nnamespace T;\n";
        var diagnostic = Assert.Single(GeneratorHarness.Run(Header + first, Header + second).AllDiagnostics);
        Assert.Equal("DCL010", diagnostic.Id);
        Assert.Equal(file, diagnostic.Location.GetLineSpan().Path);
        var source = file == "Experiment0.cs" ? Header + first : Header + second;
        Assert.Equal(token, source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void An_unresolved_attribute_far_from_every_DSL_attribute_is_left_to_the_compiler()
    {
        var result = GeneratorHarness.Run(Record("[Fact]"));
        Assert.DoesNotContain(result.AllDiagnostics, d => d.Id == "DCL031");
        Assert.Contains(result.CompilerErrors, d => d.Id == "CS0246");
    }

    [Fact]
    public void A_record_struct_is_told_to_be_a_record_class()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run("using Declarative; [Experiment] public partial record struct E([Values(1)] int BatchSize);").AllDiagnostics);
        Assert.Equal("DCL001", diagnostic.Id);
        Assert.Contains("but is a record struct", diagnostic.GetMessage());
    }

    [Fact]
    public void A_misspelt_property_is_told_the_nearest_one_and_the_list()
    {
        var diagnostic = Assert.Single(GeneratorHarness.Run(Record(experiment: "[Experiment(Epoch = 3)]")).AllDiagnostics);
        Assert.Equal("[Experiment] has no property 'Epoch' (did you mean 'Epochs'?): use one of Device, Epochs, MaxSeeds, Name, Seeds, Steps, Updates", diagnostic.GetMessage());
    }

    [Fact]
    public void A_claim_on_an_untracked_metric_names_the_Track_to_add()
    {
        var source = Record(body: "public static Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.HessianTrace), by: p => p.LearningRate);");
        var diagnostic = Assert.Single(GeneratorHarness.Run(source).AllDiagnostics);
        Assert.StartsWith("'HessianTrace' is not a tracked metric of experiment 'E': add [Track(Instruments.HessianTrace, ...)] to the record; it tracks ", diagnostic.GetMessage());
        Assert.Contains("TestAccuracy", diagnostic.GetMessage());
    }

    internal static string FindRepositoryRoot()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Declarative.sln"))) folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException("Declarative.sln not found above the test folder.");
    }
}
