using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using Declarative.Generators.Diagnostics;
using Declarative.Generators.Helpers;
using Declarative.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Declarative.Generators.Experiments
{
    public sealed partial class ExperimentGenerator
    {
        internal const string ExperimentAttribute = "Declarative.ExperimentAttribute";
        private const string Dsl = "Declarative.";

        /// <summary>Turns one [Experiment] declaration into a value model and diagnostics; keeps no symbol or syntax.</summary>
        internal static class Parser
        {
            public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellation)
            {
                var diagnostics = new List<DiagnosticInfo>();
                var symbol = (INamedTypeSymbol)context.TargetSymbol;
                var node = (TypeDeclarationSyntax)context.TargetNode;

                void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
                    diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location), args.ToEquatableArray()));

                ParseResult Result(ExperimentModel? model) => new(model, diagnostics.ToEquatableArray());

                if (!symbol.IsRecord || node is not RecordDeclarationSyntax record)
                {
                    Report(DiagnosticDescriptors.NotARecord, node.Identifier.GetLocation(), symbol.Name);
                    return Result(null);
                }
                if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    Report(DiagnosticDescriptors.NotPartial, node.Identifier.GetLocation(), symbol.Name);
                    return Result(null);
                }

                var experiment = context.Attributes[0];
                var name = Named(experiment, "Name") as string ?? symbol.Name;
                var epochs = Named(experiment, "Epochs") as int? ?? 1;
                var seeds = Named(experiment, "Seeds") as int? ?? 1;
                var experimentLocation = Location(experiment) ?? node.Identifier.GetLocation();
                CheckAtLeast(1, epochs, "Epochs", experimentLocation);
                CheckAtLeast(1, seeds, "Seeds", experimentLocation);

                var data = new DataModel("FashionMnist");
                int trainSubset = 0, testSubset = 0;
                var network = new NetworkModel("Mlp", new[] { 256, 256 }.ToEquatableArray());
                AttributeData? sgd = null;
                AttributeData? smoke = null;
                var tracks = new List<TrackModel>();

                foreach (var attribute in symbol.GetAttributes())
                {
                    cancellation.ThrowIfCancellationRequested();
                    switch (attribute.AttributeClass?.ToDisplayString())
                    {
                        case Dsl + "FashionMnistAttribute":
                            trainSubset = Named(attribute, "TrainSubset") as int? ?? 0;
                            testSubset = Named(attribute, "TestSubset") as int? ?? 0;
                            CheckAtLeast(0, trainSubset, "TrainSubset", Location(attribute));
                            CheckAtLeast(0, testSubset, "TestSubset", Location(attribute));
                            break;
                        case Dsl + "MlpAttribute":
                            var hidden = attribute.ConstructorArguments.Length == 1 && !attribute.ConstructorArguments[0].IsNull
                                ? attribute.ConstructorArguments[0].Values.Select(v => (int)v.Value!).ToArray()
                                : Array.Empty<int>();
                            foreach (var width in hidden.Where(w => w <= 0))
                                Report(DiagnosticDescriptors.BadModel, Location(attribute), width.ToString(CultureInfo.InvariantCulture));
                            network = new NetworkModel("Mlp", hidden.ToEquatableArray());
                            break;
                        case Dsl + "SgdAttribute":
                            sgd = attribute;
                            break;
                        case Dsl + "SmokeAttribute":
                            smoke = attribute;
                            break;
                        case Dsl + "TrackAttribute":
                            if (ParseTrack(attribute) is { } track) tracks.Add(track);
                            break;
                    }
                }

                if (tracks.Count == 0)
                    tracks.Add(new TrackModel(new[] { new InstrumentModel("TestLoss", false), new InstrumentModel("TestAccuracy", false) }.ToEquatableArray(),
                        "global::Declarative.Runtime.Experiments.Cadence.AtEnd()", "at the end", EquatableArray<string>.Empty));

                var full = new BudgetModel(epochs, seeds, trainSubset, testSubset);
                var smokeBudget = full;
                if (smoke is not null)
                {
                    int Override(string property, int value, int minimum)
                    {
                        if (Named(smoke, property) is not int given || given == 0) return value;
                        CheckAtLeast(minimum, given, "Smoke " + property, Location(smoke));
                        return given;
                    }
                    smokeBudget = new BudgetModel(Override("Epochs", epochs, 1), Override("Seeds", seeds, 1),
                        Override("TrainSubset", trainSubset, 0), Override("TestSubset", testSubset, 0));
                }

                var parameters = new List<ParameterModel>();
                foreach (var parameterSyntax in record.ParameterList?.Parameters ?? default)
                {
                    if (context.SemanticModel.GetDeclaredSymbol(parameterSyntax, cancellation) is not IParameterSymbol parameter) continue;
                    if (ParseParameter(parameter, parameterSyntax, name) is { } model) parameters.Add(model);
                }

                var optimizer = new OptimizerModel(
                    "Sgd",
                    Setting(symbol, name, "LearningRate", "learning rate", SpecialType.System_Double, Literal(Named(sgd, "LearningRate") as double? ?? 0.1)),
                    Setting(symbol, name, "BatchSize", "batch size", SpecialType.System_Int32, Literal(Named(sgd, "BatchSize") as int? ?? 128)),
                    Setting(symbol, name, "Momentum", "momentum", SpecialType.System_Double, Literal(Named(sgd, "Momentum") as double? ?? 0.0)),
                    Setting(symbol, name, "WeightDecay", "weight decay", SpecialType.System_Double, Literal(Named(sgd, "WeightDecay") as double? ?? 0.0)));

                var claims = symbol.GetMembers().OfType<IPropertySymbol>()
                    .Where(p => p.IsStatic && DerivesFrom(p.Type, "Declarative.Runtime.Claims.Claim"))
                    .Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();

                if (diagnostics.Count > 0) return Result(null);

                var containing = new List<string>();
                for (var outer = symbol.ContainingType; outer is not null; outer = outer.ContainingType)
                    containing.Insert(0, (outer.IsRecord ? "partial record " : outer.TypeKind == TypeKind.Struct ? "partial struct " : "partial class ") + outer.Name);

                return Result(new ExperimentModel(
                    symbol.ContainingNamespace.IsGlobalNamespace ? null : symbol.ContainingNamespace.ToDisplayString(),
                    symbol.Name,
                    symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                    containing.ToEquatableArray(),
                    name,
                    Summary(node),
                    Declaration(node),
                    full,
                    smokeBudget,
                    data,
                    network,
                    optimizer,
                    parameters.ToEquatableArray(),
                    tracks.ToEquatableArray(),
                    claims.ToEquatableArray()));

                void CheckAtLeast(int minimum, int value, string what, Location? location)
                {
                    if (value < minimum)
                        Report(DiagnosticDescriptors.BadBudget, location, what, name, value.ToString(CultureInfo.InvariantCulture),
                            minimum == 0 ? "0 (everything) or more" : $"at least {minimum}");
                }

                TrackModel? ParseTrack(AttributeData attribute)
                {
                    var location = Location(attribute);
                    var instruments = InstrumentNames(attribute);
                    if (instruments.Count == 0)
                    {
                        Report(DiagnosticDescriptors.NoInstrument, location);
                        return null;
                    }

                    var cadences = new List<(string Expression, string Text)>();
                    var problems = new List<string>();
                    if (Named(attribute, "Every") is int every)
                    {
                        if (every > 0) cadences.Add(($"global::Declarative.Runtime.Experiments.Cadence.Every({every})", $"every {every} steps"));
                        else problems.Add($"Every = {every} is not positive");
                    }
                    if (Named(attribute, "AtEpochEnd") is true) cadences.Add(("global::Declarative.Runtime.Experiments.Cadence.AtEpochEnd()", "at each epoch end"));
                    if (Named(attribute, "AtEnd") is true) cadences.Add(("global::Declarative.Runtime.Experiments.Cadence.AtEnd()", "at the end"));
                    if (NamedConstant(attribute, "AtSteps") is { IsNull: false } steps)
                    {
                        var list = steps.Values.Select(v => (int)v.Value!).ToArray();
                        if (list.Length == 0 || list.Any(s => s < 1)) problems.Add("AtSteps must list steps of 1 or more");
                        else cadences.Add((
                            "global::Declarative.Runtime.Experiments.Cadence.AtSteps(" + string.Join(", ", list.Select(s => s.ToString(CultureInfo.InvariantCulture) + "L")) + ")",
                            "at steps " + string.Join(", ", list.Select(s => s.ToString(CultureInfo.InvariantCulture)))));
                    }
                    if (Named(attribute, "LogSpaced") is int perDecade)
                    {
                        if (perDecade > 0) cadences.Add(($"global::Declarative.Runtime.Experiments.Cadence.LogSpaced({perDecade})", $"log-spaced, {perDecade} per decade"));
                        else problems.Add($"LogSpaced = {perDecade} is not positive");
                    }

                    if (problems.Count > 0 || cadences.Count != 1)
                    {
                        var why = problems.Count > 0 ? string.Join("; ", problems)
                            : cadences.Count == 0 ? "has no cadence" : "has " + cadences.Count + " cadences";
                        Report(DiagnosticDescriptors.BadCadence, location, why);
                        return null;
                    }
                    var options = new List<string>();
                    foreach (var option in new[] { "TopK", "Examples", "Samples", "AlphaPoints", "AscentSteps" })
                        if (Named(attribute, option) is int n && n != 0)
                        {
                            if (n < 0) Report(DiagnosticDescriptors.BadBudget, location, option, name, n.ToString(CultureInfo.InvariantCulture), "positive");
                            options.Add($"{option} = {n}");
                        }
                    foreach (var option in new[] { "AlphaFrom", "AlphaTo", "Epsilon" })
                        if (Named(attribute, option) is double d && !double.IsNaN(d))
                            options.Add($"{option} = {Literal(d)}");
                    return new TrackModel(instruments.ToEquatableArray(), cadences[0].Expression, cadences[0].Text, options.ToEquatableArray());
                }

                string Setting(INamedTypeSymbol type, string experimentName, string member, string what, SpecialType expected, string fallback)
                {
                    var property = type.GetMembers(member).OfType<IPropertySymbol>().FirstOrDefault();
                    if (property is null) return fallback;
                    var actual = property.Type.SpecialType;
                    var ok = actual == expected || (expected == SpecialType.System_Double && actual is SpecialType.System_Single or SpecialType.System_Int32);
                    if (!ok)
                    {
                        Report(DiagnosticDescriptors.WrongMemberType, property.Locations.FirstOrDefault(), member, experimentName, what,
                            expected == SpecialType.System_Double ? "double" : "int", property.Type.ToDisplayString());
                        return fallback;
                    }
                    return "p." + member;
                }

                ParameterModel? ParseParameter(IParameterSymbol parameter, ParameterSyntax syntax, string experimentName)
                {
                    var values = parameter.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == Dsl + "ValuesAttribute");
                    var typeKeyword = Keyword(parameter.Type.SpecialType);
                    if (values is null)
                    {
                        Report(DiagnosticDescriptors.MissingValues, syntax.Identifier.GetLocation(), parameter.Name, experimentName);
                        return null;
                    }
                    var location = Location(values) ?? syntax.GetLocation();
                    if (values.ConstructorArguments.Length != 1 || values.ConstructorArguments[0].Kind != TypedConstantKind.Array)
                        return null; // the compiler reports the bad attribute itself
                    var array = values.ConstructorArguments[0];
                    var elementType = ((IArrayTypeSymbol)array.Type!).ElementType.SpecialType;
                    if (typeKeyword is null || !Accepts(parameter.Type.SpecialType, elementType))
                    {
                        Report(DiagnosticDescriptors.ValueOfWrongType, location, parameter.Name, Keyword(elementType) ?? elementType.ToString(), parameter.Type.ToDisplayString());
                        return null;
                    }
                    if (array.IsNull || array.Values.Length == 0)
                    {
                        Report(DiagnosticDescriptors.EmptyValues, location, parameter.Name);
                        return null;
                    }
                    var literals = array.Values.Select(v => LiteralFor(parameter.Type.SpecialType, v.Value)).ToArray();
                    var duplicate = literals.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null)
                    {
                        Report(DiagnosticDescriptors.DuplicateValue, location, parameter.Name, duplicate.Key);
                        return null;
                    }
                    return new ParameterModel(parameter.Name, typeKeyword, literals.ToEquatableArray());
                }
            }

            private static List<InstrumentModel> InstrumentNames(AttributeData attribute)
            {
                var result = new List<InstrumentModel>();
                if (attribute.ConstructorArguments.Length != 1) return result;
                var argument = attribute.ConstructorArguments[0];
                if (argument.Type is not INamedTypeSymbol enumType || argument.Value is null) return result;
                var value = Convert.ToInt64(argument.Value, CultureInfo.InvariantCulture);
                foreach (var field in enumType.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue)
                             .OrderBy(f => Convert.ToInt64(f.ConstantValue, CultureInfo.InvariantCulture)))
                {
                    var bit = Convert.ToInt64(field.ConstantValue, CultureInfo.InvariantCulture);
                    if (bit == 0 || (value & bit) != bit) continue;
                    var vector = field.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == Dsl + "ColumnShapeAttribute"
                        && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is int shape && shape == 1);
                    result.Add(new InstrumentModel(field.Name, vector));
                }
                return result;
            }

            private static bool DerivesFrom(ITypeSymbol type, string baseName)
            {
                for (var t = type; t is not null; t = t.BaseType)
                    if (t.ToDisplayString() == baseName) return true;
                return false;
            }

            private static bool Accepts(SpecialType parameter, SpecialType value) => parameter switch
            {
                SpecialType.System_Double => value is SpecialType.System_Double or SpecialType.System_Int32,
                SpecialType.System_Int32 => value == SpecialType.System_Int32,
                SpecialType.System_Int64 => value == SpecialType.System_Int32,
                SpecialType.System_String => value == SpecialType.System_String,
                SpecialType.System_Boolean => value == SpecialType.System_Boolean,
                _ => false,
            };

            private static string? Keyword(SpecialType type) => type switch
            {
                SpecialType.System_Double => "double",
                SpecialType.System_Int32 => "int",
                SpecialType.System_Int64 => "long",
                SpecialType.System_String => "string",
                SpecialType.System_Boolean => "bool",
                _ => null,
            };

            private static string LiteralFor(SpecialType type, object? value) => type switch
            {
                SpecialType.System_Double => Literal(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                SpecialType.System_Int64 => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) + "L",
                SpecialType.System_Boolean => (bool)value! ? "true" : "false",
                SpecialType.System_String => SymbolDisplay.FormatLiteral((string)value!, quote: true),
                _ => Convert.ToInt32(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            };

            internal static string Literal(double value) => value.ToString("R", CultureInfo.InvariantCulture) + "d";

            private static string Literal(int value) => value.ToString(CultureInfo.InvariantCulture);

            private static object? Named(AttributeData? attribute, string name) => NamedConstant(attribute, name)?.Value;

            private static TypedConstant? NamedConstant(AttributeData? attribute, string name)
            {
                if (attribute is null) return null;
                foreach (var pair in attribute.NamedArguments)
                    if (pair.Key == name) return pair.Value;
                return null;
            }

            private static Location? Location(AttributeData? attribute) => attribute?.ApplicationSyntaxReference?.GetSyntax().GetLocation();

            /// <summary>The text of the doc comment's summary, tags removed, whitespace collapsed.</summary>
            internal static string Summary(SyntaxNode node)
            {
                var text = new StringBuilder();
                foreach (var trivia in node.GetLeadingTrivia())
                {
                    if (!trivia.IsKind(SyntaxKind.SingleLineDocumentationCommentTrivia) && !trivia.IsKind(SyntaxKind.SingleLineCommentTrivia)) continue;
                    foreach (var line in trivia.ToFullString().Split('\n'))
                    {
                        var trimmed = line.Trim();
                        if (trimmed.StartsWith("///", StringComparison.Ordinal)) text.Append(trimmed.Substring(3).Trim()).Append('\n');
                    }
                }
                var xml = text.ToString();
                var match = Regex.Match(xml, "<summary>(.*?)</summary>", RegexOptions.Singleline);
                var summary = match.Success ? match.Groups[1].Value : xml;
                summary = Regex.Replace(summary, "<(c|code)>(.*?)</\\1>", "`$2`", RegexOptions.Singleline);
                summary = Regex.Replace(summary, "<see cref=\"(?:[A-Z]:)?([^\"]*)\"\\s*/>", "`$1`");
                summary = Regex.Replace(summary, "<[^>]+>", "");
                summary = summary.Replace("&lt;", "<").Replace("&gt;", ">").Replace("&amp;", "&");
                return Regex.Replace(summary, "[ \t]*\n[ \t]*", " ").Replace("  ", " ").Trim();
            }

            /// <summary>The declaration as written (attributes, header and body), dedented, with \n line ends.</summary>
            internal static string Declaration(SyntaxNode node)
            {
                var indent = node.GetLocation().GetLineSpan().StartLinePosition.Character;
                var lines = node.ToString().Replace("\r\n", "\n").Split('\n');
                var result = new StringBuilder(lines[0].TrimEnd());
                for (var i = 1; i < lines.Length; i++)
                {
                    var line = lines[i].TrimEnd();
                    var strip = 0;
                    while (strip < indent && strip < line.Length && line[strip] == ' ') strip++;
                    result.Append('\n').Append(line.Substring(strip));
                }
                return result.ToString();
            }
        }
    }
}
