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
    /// <summary>Fixes DCL024: adds <c>static</c> to a claim property.</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeClaimStaticCodeFix)), Shared]
    public sealed class MakeClaimStaticCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.ClaimNotStatic.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var property = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<PropertyDeclarationSyntax>().FirstOrDefault();
                if (property is null) continue;
                const string Title = "Make the claim static";
                context.RegisterCodeFix(CodeAction.Create(Title, _ =>
                {
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(property, WithStatic(property))));
                }, equivalenceKey: Title), diagnostic);
            }
        }

        /// <summary>Adds <c>static</c> after the accessibility modifiers (first, taking over the leading trivia, when there are none).</summary>
        private static PropertyDeclarationSyntax WithStatic(PropertyDeclarationSyntax property)
        {
            var modifiers = property.Modifiers;
            var at = 0;
            for (var i = 0; i < modifiers.Count; i++)
                if (modifiers[i].Kind() is SyntaxKind.PublicKeyword or SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.InternalKeyword)
                    at = i + 1;
            if (at > 0)
                return property.WithModifiers(modifiers.Insert(at, SyntaxFactory.Token(SyntaxKind.StaticKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
            var first = modifiers.Count > 0 ? modifiers[0].LeadingTrivia : property.Type.GetLeadingTrivia();
            var staticToken = SyntaxFactory.Token(first, SyntaxKind.StaticKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return modifiers.Count > 0
                ? property.WithModifiers(modifiers.Replace(modifiers[0], modifiers[0].WithLeadingTrivia()).Insert(0, staticToken))
                : property.WithType(property.Type.WithoutLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(staticToken));
        }
    }
}
