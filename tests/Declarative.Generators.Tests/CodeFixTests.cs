using System.Collections.Immutable;
using Declarative.Generators.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;

namespace Declarative.Generators.Tests;

public sealed class CodeFixTests
{
    [Theory]
    [InlineData("DCL002", "[Experiment] public record E([Values(1)] int BatchSize);", "[Experiment] public partial record E([Values(1)] int BatchSize);")]
    [InlineData("DCL001", "[Experiment] public class E { public int BatchSize => 32; }", "[Experiment] public partial record E { public int BatchSize => 32; }")]
    public async Task Fix_turns_the_declaration_into_a_partial_record_that_generates(string id, string before, string after)
    {
        const string Header = "using Declarative;\nnamespace T;\n";
        using var workspace = new AdhocWorkspace();
        var compilation = GeneratorHarness.Compilation(Header + before);
        var project = workspace.AddProject(ProjectInfo.Create(ProjectId.CreateNewId(), VersionStamp.Default, "T", "T", LanguageNames.CSharp,
            compilationOptions: compilation.Options, parseOptions: GeneratorHarness.ParseOptions, metadataReferences: compilation.References));
        var document = workspace.AddDocument(project.Id, "E.cs", Microsoft.CodeAnalysis.Text.SourceText.From(Header + before));

        var diagnostics = GeneratorHarness.Analyze((await document.Project.GetCompilationAsync())!);
        var diagnostic = Assert.Single(diagnostics, d => d.Id == id);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new MakePartialRecordCodeFix().RegisterCodeFixesAsync(context);
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
