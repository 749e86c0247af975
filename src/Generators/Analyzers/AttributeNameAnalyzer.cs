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
    /// DCL031: an attribute that does not resolve and is a near miss of a Declarative attribute
    /// (<c>[Valuez(...)]</c>, <c>[FashionMNIST]</c>). The compiler's CS0246 says a type is missing; this names
    /// the attribute meant (the code fix renames it). Names far from every DSL attribute are left to the compiler.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AttributeNameAnalyzer : DiagnosticAnalyzer
    {
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownAttribute);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                var experiment = start.Compilation.GetTypeByMetadataName(Experiments.ExperimentGenerator.ExperimentAttribute);
                if (experiment is null) return;
                var attribute = start.Compilation.GetTypeByMetadataName("System.Attribute");
                var names = experiment.ContainingNamespace.GetTypeMembers()
                    .Where(t => !t.IsAbstract && t.DeclaredAccessibility == Accessibility.Public && Derives(t, attribute)
                                && t.Name is not ("ColumnShapeAttribute" or "ObservesUpdateAttribute"))
                    .Select(t => t.Name.Substring(0, t.Name.Length - "Attribute".Length))
                    .OrderBy(n => n, System.StringComparer.Ordinal).ToImmutableArray();
                start.RegisterSyntaxNodeAction(c => Analyze(c, names), SyntaxKind.Attribute);
            });
        }

        private static void Analyze(SyntaxNodeAnalysisContext context, ImmutableArray<string> names)
        {
            var attribute = (AttributeSyntax)context.Node;
            if (attribute.Name is not IdentifierNameSyntax identifier) return;
            var info = context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken);
            if (info.Symbol is not null || !info.CandidateSymbols.IsEmpty) return;
            var name = identifier.Identifier.ValueText;
            if (name.EndsWith("Attribute", System.StringComparison.Ordinal)) name = name.Substring(0, name.Length - "Attribute".Length);
            if (names.Contains(name)) return;
            // Stricter than for properties: an unresolved [Fact] must not be told it meant [Track].
            var closest = EditDistance.Closest(name, names, System.Math.Max(1, name.Length / 4));
            if (closest is null) return;
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownAttribute, identifier.GetLocation(),
                ImmutableDictionary<string, string?>.Empty.Add(AttributeSettingAnalyzer.SuggestionKey, closest), identifier.Identifier.ValueText, closest));
        }

        private static bool Derives(ITypeSymbol? type, ITypeSymbol? baseType)
        {
            for (var t = type; t is not null; t = t.BaseType)
                if (SymbolEqualityComparer.Default.Equals(t, baseType)) return true;
            return false;
        }
    }
}
