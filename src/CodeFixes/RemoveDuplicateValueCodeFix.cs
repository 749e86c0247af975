using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.CodeFixes
{
    /// <summary>Fixes DCL006 on a <c>[Values]</c>: removes every value listed before (a range's collisions need a new range, not a fix).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveDuplicateValueCodeFix)), Shared]
    public sealed class RemoveDuplicateValueCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.DuplicateValue.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            var semantics = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null || semantics is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeSyntax { ArgumentList: { } list } attribute) continue;
                if (semantics.GetSymbolInfo(attribute, context.CancellationToken).Symbol?.ContainingType?.ToDisplayString() != "Declarative.ValuesAttribute") continue;

                var seen = new HashSet<object>();
                var duplicates = new List<AttributeArgumentSyntax>();
                foreach (var argument in list.Arguments)
                {
                    var value = semantics.GetConstantValue(argument.Expression, context.CancellationToken);
                    if (value.HasValue && value.Value is not null && !seen.Add(value.Value)) duplicates.Add(argument);
                }
                if (duplicates.Count == 0) continue;
                const string Title = "Remove the duplicate values";
                context.RegisterCodeFix(CodeAction.Create(Title,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(list, list.WithArguments(RemoveAll(list.Arguments, duplicates))))),
                    equivalenceKey: Title), diagnostic);
            }
        }

        private static SeparatedSyntaxList<AttributeArgumentSyntax> RemoveAll(SeparatedSyntaxList<AttributeArgumentSyntax> arguments, List<AttributeArgumentSyntax> remove)
        {
            var kept = arguments.Where(a => !remove.Contains(a)).ToList();
            var comma = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
            return SyntaxFactory.SeparatedList(kept, Enumerable.Repeat(comma, kept.Count - 1));
        }
    }
}
