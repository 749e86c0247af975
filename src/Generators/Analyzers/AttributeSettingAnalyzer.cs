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
    /// DCL028: a named argument of a Declarative attribute that names no property of it
    /// (<c>[Experiment(Epoch = 3)]</c>). The compiler's CS0246 says a type is missing; this says which
    /// properties there are and which one was probably meant (the code fix renames it).
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class AttributeSettingAnalyzer : DiagnosticAnalyzer
    {
        /// <summary>The diagnostic property that carries the suggested name to the code fix.</summary>
        public const string SuggestionKey = "Suggestion";

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownSetting);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSyntaxNodeAction(Analyze, SyntaxKind.Attribute);
        }

        private static void Analyze(SyntaxNodeAnalysisContext context)
        {
            var attribute = (AttributeSyntax)context.Node;
            if (attribute.ArgumentList is null || !attribute.ArgumentList.Arguments.Any(a => a.NameEquals is not null)) return;
            var info = context.SemanticModel.GetSymbolInfo(attribute, context.CancellationToken);
            var type = (info.Symbol ?? info.CandidateSymbols.FirstOrDefault())?.ContainingType;
            if (type is null || type.ContainingNamespace?.ToDisplayString() != "Declarative") return;

            var settable = Settable(type);
            foreach (var argument in attribute.ArgumentList.Arguments)
            {
                if (argument.NameEquals is null) continue;
                var name = argument.NameEquals.Name.Identifier.ValueText;
                if (settable.Contains(name)) continue;
                var closest = EditDistance.Closest(name, settable);
                var properties = closest is null
                    ? ImmutableDictionary<string, string?>.Empty
                    : ImmutableDictionary<string, string?>.Empty.Add(SuggestionKey, closest);
                context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnknownSetting, argument.NameEquals.Name.GetLocation(), properties,
                    type.Name.EndsWith("Attribute") ? type.Name.Substring(0, type.Name.Length - "Attribute".Length) : type.Name,
                    name, closest is null ? "" : $" (did you mean '{closest}'?)", string.Join(", ", settable)));
            }
        }

        /// <summary>The public instance properties with a public setter, of the type and its bases, sorted.</summary>
        private static ImmutableArray<string> Settable(INamedTypeSymbol type)
        {
            var names = ImmutableSortedSet.CreateBuilder<string>(System.StringComparer.Ordinal);
            for (var t = type; t is not null && t.SpecialType != SpecialType.System_Object; t = t.BaseType)
                foreach (var property in t.GetMembers().OfType<IPropertySymbol>())
                    if (!property.IsStatic && property.DeclaredAccessibility == Accessibility.Public && property.SetMethod is { DeclaredAccessibility: Accessibility.Public })
                        names.Add(property.Name);
            return names.ToImmutableArray();
        }
    }
}
