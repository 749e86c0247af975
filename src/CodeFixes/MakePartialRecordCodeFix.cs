using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.CodeFixes
{
    /// <summary>Fixes DCL001 (turns the class, struct or record struct into a partial record class) and DCL002 (adds <c>partial</c>).</summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialRecordCodeFix)), Shared]
    public sealed class MakePartialRecordCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.NotARecord.Id, DiagnosticDescriptors.NotPartial.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
                if (declaration is null) continue;
                var title = diagnostic.Id == DiagnosticDescriptors.NotARecord.Id ? "Make it a partial record" : "Add the partial modifier";
                context.RegisterCodeFix(
                    CodeAction.Create(title, ct => Fix(context.Document, root, declaration, ct), equivalenceKey: title),
                    diagnostic);
            }
        }

        private static Task<Document> Fix(Document document, SyntaxNode root, TypeDeclarationSyntax declaration, CancellationToken cancellation)
        {
            var modifiers = declaration.Modifiers;
            if (!modifiers.Any(SyntaxKind.PartialKeyword))
                modifiers = modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space));

            TypeDeclarationSyntax replacement = declaration;
            if (declaration is ClassDeclarationSyntax or StructDeclarationSyntax)
            {
                var keyword = declaration.Keyword;
                replacement = SyntaxFactory.RecordDeclaration(
                        declaration.AttributeLists, modifiers, SyntaxFactory.Token(SyntaxKind.RecordKeyword).WithTriviaFrom(keyword),
                        declaration.Identifier, declaration.TypeParameterList, parameterList: null, declaration.BaseList,
                        declaration.ConstraintClauses, declaration.OpenBraceToken, declaration.Members, declaration.CloseBraceToken,
                        declaration.SemicolonToken)
                    .WithLeadingTrivia(declaration.GetLeadingTrivia())
                    .WithTrailingTrivia(declaration.GetTrailingTrivia());
            }
            else if (declaration is RecordDeclarationSyntax record && record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword))
            {
                // A record struct: experiments are record classes (the generated trials and rows are reference types).
                replacement = record.WithModifiers(modifiers).WithClassOrStructKeyword(default)
                    .WithIdentifier(record.Identifier.WithLeadingTrivia(record.ClassOrStructKeyword.LeadingTrivia));
            }
            else
            {
                replacement = declaration.WithModifiers(modifiers);
            }
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, replacement)));
        }
    }
}
