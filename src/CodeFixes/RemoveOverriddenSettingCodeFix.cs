using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.CodeFixes
{
    /// <summary>Fixes DCL026: removes the attribute's argument that the record's member of the same name overrides.</summary>
    [ExportCodeFixProvider(Microsoft.CodeAnalysis.LanguageNames.CSharp, Name = nameof(RemoveOverriddenSettingCodeFix)), Shared]
    public sealed class RemoveOverriddenSettingCodeFix : CodeFixProvider
    {
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.SetTwice.Id);

        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null) return;
            foreach (var diagnostic in context.Diagnostics)
            {
                if (root.FindNode(diagnostic.Location.SourceSpan) is not AttributeArgumentSyntax { NameEquals: { } name, Parent: AttributeArgumentListSyntax list } argument) continue;
                var title = $"Remove {name.Name.Identifier.ValueText} from the attribute (the record's member sets it)";
                context.RegisterCodeFix(CodeAction.Create(title, _ =>
                {
                    var attribute = (AttributeSyntax)list.Parent!;
                    var remaining = list.Arguments.Remove(argument);
                    var fixedAttribute = remaining.Count == 0
                        ? attribute.WithArgumentList(null).WithTrailingTrivia(list.GetTrailingTrivia())
                        : attribute.WithArgumentList(list.WithArguments(remaining));
                    return Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(attribute, fixedAttribute)));
                }, equivalenceKey: title), diagnostic);
            }
        }
    }
}
