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
    /// Checks the shape of an [Experiment] type (a partial record) without generating anything, so the
    /// IDE shows the squiggle on the type's name and offers the code fix. The generator skips such types.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ExperimentDeclarationAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.NotARecord, DiagnosticDescriptors.NotPartial);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var experiment = start.Compilation.GetTypeByMetadataName(Experiments.ExperimentGenerator.ExperimentAttribute);
                if (experiment is null) return;
                start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, experiment), SymbolKind.NamedType);
            });
        }

        private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol experiment)
        {
            var type = (INamedTypeSymbol)context.Symbol;
            if (!type.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, experiment))) return;

            foreach (var reference in type.DeclaringSyntaxReferences)
            {
                if (reference.GetSyntax(context.CancellationToken) is not TypeDeclarationSyntax declaration) continue;
                if (!type.IsRecord)
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotARecord, declaration.Identifier.GetLocation(), type.Name));
                else if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
                    context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.NotPartial, declaration.Identifier.GetLocation(), type.Name));
            }
        }
    }
}
