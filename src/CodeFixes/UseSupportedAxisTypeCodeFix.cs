using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.CodeFixes
{
    /// <summary>
    /// Fixes DCL030 for the numeric types with an obvious supported counterpart: float and decimal
    /// become double, the small integers int, the unsigned long long. Other types have no mechanical fix.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSupportedAxisTypeCodeFix)), Shared]
    public sealed class UseSupportedAxisTypeCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsupportedAxisType.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan) is not PredefinedTypeSyntax type) continue;
                var replacement = type.Keyword.Kind() switch
                {
                    SyntaxKind.FloatKeyword or SyntaxKind.DecimalKeyword => SyntaxKind.DoubleKeyword,
                    SyntaxKind.ShortKeyword or SyntaxKind.UShortKeyword or SyntaxKind.ByteKeyword or SyntaxKind.SByteKeyword => SyntaxKind.IntKeyword,
                    SyntaxKind.UIntKeyword or SyntaxKind.ULongKeyword => SyntaxKind.LongKeyword,
                    _ => SyntaxKind.None,
                };
                if (replacement == SyntaxKind.None) continue;
                var title = $"Declare the axis as {SyntaxFactory.Token(replacement).Text}";
                context.RegisterCodeFix(CodeAction.Create(title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(type, SyntaxFactory.PredefinedType(SyntaxFactory.Token(replacement)).WithTriviaFrom(type)))),
                    equivalenceKey: title), diagnostic);
            }
        }
    }
}
