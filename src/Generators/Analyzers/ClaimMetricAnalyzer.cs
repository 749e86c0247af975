using System.Collections.Immutable;
using System.Linq;
using Declarative.Generators.Diagnostics;
using Declarative.Generators.Helpers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Declarative.Generators.Analyzers
{
    /// <summary>
    /// DCL029: a claim that reads a metric the experiment does not track (<c>m =&gt; m.HessianTrace</c>
    /// without a <c>[Track(Instruments.HessianTrace, ...)]</c>). The generated <c>Metrics</c> row has a
    /// property per tracked instrument only, so the compiler's CS1061 is right but does not say the fix.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class ClaimMetricAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UntrackedMetric);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var experiment = start.Compilation.GetTypeByMetadataName(Experiments.ExperimentGenerator.ExperimentAttribute);
                var instruments = start.Compilation.GetTypeByMetadataName("Declarative.Instruments");
                if (experiment is null || instruments is null) return;
                var names = instruments.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue && f.Name != "None").Select(f => f.Name).ToImmutableArray();
                start.RegisterSyntaxNodeAction(c => Analyze(c, experiment, names), SyntaxKind.SimpleMemberAccessExpression);
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, INamedTypeSymbol experiment, ImmutableArray<string> instruments)
        {
            var access = (MemberAccessExpressionSyntax)context.Node;
            if (context.SemanticModel.GetTypeInfo(access.Expression, context.CancellationToken).Type is not INamedTypeSymbol { Name: "Metrics", ContainingType: { } record } metrics) return;
            if (!record.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, experiment))) return;
            var symbol = context.SemanticModel.GetSymbolInfo(access, context.CancellationToken);
            if (symbol.Symbol is not null || !symbol.CandidateSymbols.IsEmpty) return;

            var name = access.Name.Identifier.ValueText;
            var instrument = instruments.Contains(name) ? name : EditDistance.Closest(name, instruments) ?? "...";
            var tracked = metrics.GetMembers().OfType<IPropertySymbol>()
                .Where(p => !p.IsStatic && p.DeclaredAccessibility == Accessibility.Public && p.Name != "EqualityContract")
                .Select(p => p.Name).OrderBy(n => n, System.StringComparer.Ordinal).ToArray();
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UntrackedMetric, access.Name.GetLocation(), name, record.Name, instrument,
                tracked.Length == 0 ? "" : "; it tracks " + string.Join(", ", tracked)));
        }
    }
}
