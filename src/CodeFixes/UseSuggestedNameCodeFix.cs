using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Declarative.Generators.Analyzers;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.CodeFixes
{
    /// <summary>Fixes DCL028 (a misspelt attribute property) and DCL031 (a misspelt attribute) when a name is near enough: renames to it.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedNameCodeFix)), Shared]
    public sealed class UseSuggestedNameCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownSetting.Id, DiagnosticDescriptors.UnknownAttribute.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (!diagnostic.Properties.TryGetValue(AttributeSettingAnalyzer.SuggestionKey, out var suggestion) || suggestion is null) continue;
                if (root.FindNode(diagnostic.Location.SourceSpan) is not IdentifierNameSyntax name) continue;
                var title = $"Use '{suggestion}'";
                context.RegisterCodeFix(CodeAction.Create(title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(name, SyntaxFactory.IdentifierName(suggestion).WithTriviaFrom(name)))),
                    equivalenceKey: title), diagnostic);
            }
        }
    }
}
