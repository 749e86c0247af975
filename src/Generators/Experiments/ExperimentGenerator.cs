using System.Linq;
using Declarative.Generators.Diagnostics;
using Declarative.Generators.Helpers;
using Declarative.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.Experiments
{
    /// <summary>
    /// Expands each <c>[Experiment]</c> record into its trials, typed metric row, schema and training
    /// loop, and lists all experiments of the assembly in <c>Declarative.Generated.ExperimentCatalog</c>.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class ExperimentGenerator : IIncrementalGenerator
    {
        public static class TrackingNames
        {
            public const string Parse = nameof(Parse);
            public const string Models = nameof(Models);
            public const string Catalog = nameof(Catalog);
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var parsed = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ExperimentAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, ct) => Parser.Parse(ctx, ct))
                .WithTrackingName(TrackingNames.Parse);

            context.RegisterSourceOutput(parsed, static (spc, result) =>
            {
                foreach (var diagnostic in result.Diagnostics) spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                if (result.Model is { } model)
                    spc.AddSource(HintName(model), Emitter.Emit(model));
            });

            var catalog = parsed
                .Where(static r => r.Model is not null)
                .Select(static (r, _) => new CatalogEntry(r.Model!.ExperimentName, r.Model.FullyQualifiedName, null))
                .WithTrackingName(TrackingNames.Models)
                .Collect()
                .Select(static (entries, _) => entries.OrderBy(e => e.FullyQualifiedName, System.StringComparer.Ordinal).ToEquatableArray())
                .WithTrackingName(TrackingNames.Catalog);

            var locations = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    ExperimentAttribute,
                    static (node, _) => node is TypeDeclarationSyntax,
                    static (ctx, _) => NameEntry(ctx))
                .Collect()
                .Select(static (entries, _) => entries.ToEquatableArray());

            context.RegisterSourceOutput(locations, static (spc, entries) =>
            {
                foreach (var group in entries.GroupBy(e => e.ExperimentName).Where(g => g.Count() > 1))
                {
                    // The experiment that holds the name by its own type name keeps it; the others (typically the
                    // one that was just added or renamed) get the error, on their Name argument or type name.
                    var ordered = group.OrderBy(e => e.NamedExplicitly).ThenBy(e => e.FullyQualifiedName, System.StringComparer.Ordinal).ToArray();
                    foreach (var duplicate in ordered.Skip(1))
                        spc.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.DuplicateName, duplicate.Location?.ToLocation(),
                            duplicate.FullyQualifiedName.Replace("global::", ""), ordered[0].FullyQualifiedName.Replace("global::", ""), group.Key));
                }
            });

            context.RegisterSourceOutput(catalog, static (spc, entries) =>
                spc.AddSource("Declarative.ExperimentCatalog.g.cs", Emitter.EmitCatalog(entries)));
        }

        private static CatalogEntry NameEntry(GeneratorAttributeSyntaxContext ctx)
        {
            var name = ctx.Attributes[0].NamedArguments.FirstOrDefault(a => a.Key == "Name").Value.Value as string;
            var argument = (ctx.Attributes[0].ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Name");
            return new CatalogEntry(
                name ?? ctx.TargetSymbol.Name,
                ctx.TargetSymbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                LocationInfo.From(argument?.GetLocation() ?? ((TypeDeclarationSyntax)ctx.TargetNode).Identifier.GetLocation()),
                name is not null && name != ctx.TargetSymbol.Name);
        }

        private static string HintName(ExperimentModel model) =>
            model.FullyQualifiedName.Replace("global::", "").Replace('<', '_').Replace('>', '_') + ".Experiment.g.cs";
    }
}
