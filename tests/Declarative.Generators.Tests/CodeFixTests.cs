using System.Collections.Immutable;
using Declarative.Generators.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Generators.Tests;

public sealed class CodeFixTests
{
    public static TheoryData<string, CodeFixProvider, string, string> Cases => new()
    {
        { "DCL002", new MakePartialRecordCodeFix(), "[Experiment] public record E([Values(1)] int BatchSize);", "[Experiment] public partial record E([Values(1)] int BatchSize);" },
        { "DCL001", new MakePartialRecordCodeFix(), "[Experiment] public class E { public int BatchSize => 32; }", "[Experiment] public partial record E { public int BatchSize => 32; }" },
        { "DCL001", new MakePartialRecordCodeFix(), "[Experiment] public partial record struct E([Values(1)] int BatchSize);", "[Experiment] public partial record E([Values(1)] int BatchSize);" },
        { "DCL024", new MakeClaimStaticCodeFix(), Claim("public "), Claim("public static ") },
        { "DCL024", new MakeClaimStaticCodeFix(), Claim(""), Claim("static ") },
        { "DCL028", new UseSuggestedNameCodeFix(), "[Experiment(Epoch = 2)] public partial record E([Values(1)] int BatchSize);", "[Experiment(Epochs = 2)] public partial record E([Values(1)] int BatchSize);" },
        { "DCL031", new UseSuggestedNameCodeFix(), "[Experiment] public partial record E([Valuez(1)] int BatchSize);", "[Experiment] public partial record E([Values(1)] int BatchSize);" },
        { "DCL026", new RemoveOverriddenSettingCodeFix(), "[Experiment, Sgd(LearningRate = 0.05)] public partial record E([Values(0.1)] double LearningRate);", "[Experiment, Sgd] public partial record E([Values(0.1)] double LearningRate);" },
        { "DCL026", new RemoveOverriddenSettingCodeFix(), "[Experiment, Sgd(Momentum = 0.9, LearningRate = 0.05)] public partial record E([Values(0.1)] double LearningRate);", "[Experiment, Sgd(Momentum = 0.9)] public partial record E([Values(0.1)] double LearningRate);" },
        { "DCL030", new UseSupportedAxisTypeCodeFix(), "[Experiment] public partial record E([Values(0.1, 0.2)] float LearningRate);", "[Experiment] public partial record E([Values(0.1, 0.2)] double LearningRate);" },
        { "DCL006", new RemoveDuplicateValueCodeFix(), "[Experiment] public partial record E([Values(32, 64, 32, 64, 128)] int BatchSize);", "[Experiment] public partial record E([Values(32, 64, 128)] int BatchSize);" },
    };

    private static string Claim(string modifiers) =>
        "[Experiment] public partial record E([Values(0.1)] double LearningRate)\n{\n    " + modifiers
        + "Declarative.Runtime.Claims.Claim C => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);\n}";

    [Fact]
    public async Task No_fix_is_offered_where_the_fix_is_not_mechanical()
    {
        // A range's colliding values and a non-numeric axis type have no one right rewrite.
        Assert.Empty(await Actions("DCL006", new RemoveDuplicateValueCodeFix(), "[Experiment] public partial record E([LogRange(1, 2, 30)] int BatchSize);"));
        Assert.Empty(await Actions("DCL030", new UseSupportedAxisTypeCodeFix(), "[Experiment] public partial record E([Values(\"a\")] System.DateTime When);"));
        Assert.Empty(await Actions("DCL028", new UseSuggestedNameCodeFix(), "[Experiment(Zzzzzzzz = 2)] public partial record E([Values(1)] int BatchSize);"));
    }

    private static async Task<List<CodeAction>> Actions(string id, CodeFixProvider fix, string before)
    {
        const string Header = "using Declarative;\nnamespace T;\n";
        using var workspace = new AdhocWorkspace();
        var compilation = GeneratorHarness.Compilation(Header + before);
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "T", "T", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: GeneratorHarness.ParseOptions, metadataReferences: compilation.References));
        var document = workspace.AddDocument(project.Id, "E.cs", Microsoft.CodeAnalysis.Text.SourceText.From(Header + before));
        var diagnostic = Assert.Single(GeneratorHarness.Run(Header + before).AllDiagnostics, d => d.Id == id);
        var actions = new List<CodeAction>();
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return actions;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Fix_makes_a_declaration_that_generates_without_diagnostics(string id, CodeFixProvider fix, string before, string after)
    {
        const string Header = "using Declarative;\nnamespace T;\n";
        using var workspace = new AdhocWorkspace();
        var compilation = GeneratorHarness.Compilation(Header + before);
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "T", "T", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: GeneratorHarness.ParseOptions, metadataReferences: compilation.References));
        var document = workspace.AddDocument(project.Id, "E.cs", Microsoft.CodeAnalysis.Text.SourceText.From(Header + before));

        var diagnostics = GeneratorHarness.Run(Header + before).AllDiagnostics;
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        Assert.Contains(id, fix.FixableDiagnosticIds);
        await fix.RegisterCodeFixesAsync(context);
        var operation = Assert.Single(await Assert.Single(actions).GetOperationsAsync(CancellationToken.None)).Should<ApplyChangesOperation>();
        var fixedText = (await operation.ChangedSolution.GetDocument(document.Id)!.GetTextAsync()).ToString();

        Assert.Equal(Header + after, fixedText);
        var result = GeneratorHarness.Run(fixedText);
        Assert.Empty(result.AllDiagnostics);
        Assert.Empty(result.CompilerErrors);
    }
}

internal static class OperationExtensions
{
    public static T Should<T>(this CodeActionOperation operation) where T : CodeActionOperation => Assert.IsType<T>(operation);
}
