using System.Collections.Immutable;
using System.Linq;
using Declarative.Generators.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Generators.Analyzers
{
    /// <summary>
    /// Checks the shape of an [Experiment] type (a partial record class) and its claims without generating
    /// anything, so the IDE shows the squiggle on the name and offers the code fix. The generator skips
    /// types of the wrong shape.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ExperimentDeclarationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.NotARecord, DiagnosticDescriptors.NotPartial, DiagnosticDescriptors.ClaimNotStatic);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var experiment = start.Compilation.GetTypeByMetadataName(Experiments.ExperimentGenerator.ExperimentAttribute);
                if (experiment is null) return;
                var claim = start.Compilation.GetTypeByMetadataName(ClaimType);
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, experiment, claim), SymbolKind.NamedType);
            });
        }

        internal const string ClaimType = "Declarative.Runtime.Claims.Claim";

        private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol experiment, INamedTypeSymbol? claim)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, experiment))) return;

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is not TypeDeclarationSyntax declaration) continue;
                if (!type.IsRecord || type.IsValueType)
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotARecord, declaration.Identifier.GetLocation(), type.Name,
                        type.IsRecord ? "record struct" : type.TypeKind == TypeKind.Struct ? "struct" : "class"));
                else if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, declaration.Identifier.GetLocation(), type.Name));
            }

            // A claim is a static property; an instance one would be dropped without a word.
            if (claim is null) return;
            foreach (var property in type.GetMembers().OfType<IPropertySymbol>())
                if (!property.IsStatic && !property.IsImplicitlyDeclared && Derives(property.Type, claim))
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ClaimNotStatic, property.Locations.FirstOrDefault(), property.Name));
        }

        private static bool Derives(ITypeSymbol? type, INamedTypeSymbol baseType)
        {
            for (var t = type; t is not null; t = t.BaseType)
                if (SymbolEqualityComparer.Default.Equals(t, baseType)) return true;
            return false;
        }
    }
}
