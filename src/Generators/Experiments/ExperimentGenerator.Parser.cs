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
                var symbol = (INamedTypeSymbol)context.TargetSymbol;
                var node = (TypeDeclarationSyntax)context.TargetNode;
                var parse = new DeclarationParser(symbol, node, context.Attributes[0], context.SemanticModel, cancellation);
                return parse.Run();
            }

            /// <summary>The state of parsing one declaration: the record, its attributes, and the diagnostics so far.</summary>
            private sealed class DeclarationParser
            {
                private readonly INamedTypeSymbol _symbol;
                private readonly TypeDeclarationSyntax _node;
                private readonly AttributeData _experiment;
                private readonly SemanticModel _semantics;
                private readonly CancellationToken _cancellation;
                private readonly List<DiagnosticInfo> _diagnostics = new();
                private string _name;
                // Each sweep axis's numeric values and the location of its sweep attribute, for the checks across settings.
                private readonly Dictionary<string, (double[] Values, Location? Where)> _axes = new(StringComparer.Ordinal);
                private readonly Dictionary<string, string[]> _axisLiterals = new(StringComparer.Ordinal);

                public DeclarationParser(INamedTypeSymbol symbol, TypeDeclarationSyntax node, AttributeData experiment, SemanticModel semantics, CancellationToken cancellation)
                {
                    _symbol = symbol;
                    _node = node;
                    _experiment = experiment;
                    _semantics = semantics;
                    _cancellation = cancellation;
                    _name = symbol.Name;
                }

                private void Report(DiagnosticDescriptor descriptor, Location? location, params string[] args) =>
                    _diagnostics.Add(new DiagnosticInfo(descriptor.Id, LocationInfo.From(location ?? _node.Identifier.GetLocation()), args.ToEquatableArray()));

                private ParseResult Result(ExperimentModel? model) => new(model, _diagnostics.ToEquatableArray());

                public ParseResult Run()
                {
                    // Not a partial record: ExperimentDeclarationAnalyzer reports it (with a code fix); nothing to generate.
                    if (!_symbol.IsRecord || _symbol.IsValueType || _node is not RecordDeclarationSyntax record || !_node.Modifiers.Any(SyntaxKind.PartialKeyword))
                        return Result(null);

                    _name = Named(_experiment, "Name") as string ?? _symbol.Name;
                    var attributes = _symbol.GetAttributes();
                    var data = Single(attributes, "data set", a => Derives(a.AttributeClass, Dsl + "DataSetAttribute"));
                    var model = Single(attributes, "model", a => Derives(a.AttributeClass, Dsl + "ModelAttribute"));
                    var optimizer = Single(attributes, "optimizer", a => Derives(a.AttributeClass, Dsl + "OptimizerAttribute"));
                    var smoke = Find(attributes, "SmokeAttribute");

                    var full = ParseBudget(_experiment, "[Experiment]", null, data);
                    var smokeBudget = smoke is null ? full : ParseBudget(smoke, "[Smoke]", full, data);

                    var parameters = new List<ParameterModel>();
                    foreach (var parameterSyntax in record.ParameterList?.Parameters ?? default)
                    {
                        _cancellation.ThrowIfCancellationRequested();
                        if (_semantics.GetDeclaredSymbol(parameterSyntax, _cancellation) is not IParameterSymbol parameter) continue;
                        if (ParseParameter(parameter, parameterSyntax) is { } axis) parameters.Add(axis);
                    }
                    CheckLinkedGroups(parameters);

                    var dataModel = ParseData(data);
                    var networkModel = ParseModel(model);
                    var optimizerModel = ParseOptimizer(optimizer);
                    var lrSchedule = Find(attributes, "LearningRateScheduleAttribute") is { } lrs ? ParseSchedule(lrs, "WarmupSteps", "Period", "Factor", "Minimum") : null;
                    var batchSchedule = Find(attributes, "BatchSizeScheduleAttribute") is { } bss ? ParseSchedule(bss, "Period", "Factor", "Minimum") : null;
                    var regime = Find(attributes, "RegimeAdaptationAttribute") is { } ra ? ParseRegime(ra) : null;
                    var penalty = Find(attributes, "GradientPenaltyAttribute") is { } gp
                        ? Member("PenaltyCoefficient", SpecialType.System_Double, Literal(Named(gp, "Coefficient") as double? ?? 0.0))
                        : null;

                    CheckSettings(data, model, optimizer, dataModel, networkModel, full, smokeBudget);
                    var target = ParseTarget(Find(attributes, "TrainUntilAttribute"), smoke, dataModel);

                    var checkpoints = Find(attributes, "CheckpointsAttribute");
                    var checkpointEvery = Named(checkpoints, "Every") as int? ?? 0;
                    if (checkpoints is not null && checkpointEvery <= 0)
                        Report(DiagnosticDescriptors.BadBudget, Location(checkpoints), "[Checkpoints] Every", _name, Literal(checkpointEvery), "a positive number of steps");

                    var tracks = new List<TrackModel>();
                    var trackAttributes = new List<AttributeData>();
                    foreach (var track in attributes.Where(a => IsDsl(a, "TrackAttribute")))
                        if (ParseTrack(track, dataModel, full) is { } parsed)
                        {
                            tracks.Add(parsed);
                            trackAttributes.Add(track);
                        }
                    CheckTrackOptions(tracks, trackAttributes);
                    if (tracks.Count == 0)
                        tracks.Add(new TrackModel(
                            (dataModel?.Kind == DataSetKind.QuadraticTarget
                                ? new[] { new InstrumentModel("TestLoss", false) }
                                : new[] { new InstrumentModel("TestLoss", false), new InstrumentModel("TestAccuracy", false) }).ToEquatableArray(),
                            "global::Declarative.Runtime.Experiments.Cadence.AtEnd()", "at the end", EquatableArray<string>.Empty));

                    var exclusion = _symbol.GetMembers("Excluded").OfType<IPropertySymbol>().FirstOrDefault();
                    if (exclusion is not null && (exclusion.IsStatic || exclusion.Type.SpecialType != SpecialType.System_Boolean))
                        Report(DiagnosticDescriptors.WrongMemberType, exclusion.Locations.FirstOrDefault(), "Excluded", _name, "exclusion of sweep points", "bool (an instance property)", exclusion.Type.ToDisplayString());

                    var claims = _symbol.GetMembers().OfType<IPropertySymbol>()
                        .Where(p => p.IsStatic && Derives(p.Type, "Declarative.Runtime.Claims.Claim"))
                        .Select(p => new ClaimModel(p.Name, p.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is { } syntax ? Summary(syntax) : ""))
                        .OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

                    if (claims.Count == 0 && (full.MaxSeeds > 0 || smokeBudget.MaxSeeds > 0))
                        Report(DiagnosticDescriptors.SeedRangeWithoutClaims,
                            full.MaxSeeds > 0 ? ArgumentLocation(_experiment, "MaxSeeds") : ArgumentLocation(smoke, "MaxSeeds"), _name);

                    if (_diagnostics.Count > 0 || dataModel is null || networkModel is null || optimizerModel is null) return Result(null);

                    var containing = new List<string>();
                    for (var outer = _symbol.ContainingType; outer is not null; outer = outer.ContainingType)
                        containing.Insert(0, (outer.IsRecord ? "partial record " : outer.TypeKind == TypeKind.Struct ? "partial struct " : "partial class ") + outer.Name);

                    return Result(new ExperimentModel(
                        _symbol.ContainingNamespace.IsGlobalNamespace ? null : _symbol.ContainingNamespace.ToDisplayString(),
                        _symbol.Name,
                        _symbol.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                        containing.ToEquatableArray(),
                        _name,
                        Summary(_node),
                        Declaration(_node),
                        full,
                        smokeBudget,
                        target,
                        Setting<string>(_experiment, "Device"),
                        dataModel,
                        networkModel,
                        optimizerModel,
                        lrSchedule,
                        batchSchedule,
                        regime,
                        penalty,
                        parameters.ToEquatableArray(),
                        exclusion is not null,
                        checkpointEvery,
                        tracks.ToEquatableArray(),
                        claims.ToEquatableArray()));
                }

                // ----- budgets -------------------------------------------------------------------

                /// <summary>The largest seed range a declaration may ask for (the claims' seed-count messages stop there too).</summary>
                private const int MaxSeedsAllowed = 1000;

                private BudgetModel ParseBudget(AttributeData attribute, string what, BudgetModel? full, AttributeData? data)
                {
                    var location = Location(attribute);
                    int Get(string property, int minimum)
                    {
                        var value = Named(attribute, property) as int? ?? 0;
                        if (value != 0 && value < minimum || value < 0) Report(DiagnosticDescriptors.BadBudget, location, $"{what} {property}", _name, Literal(value), minimum == 0 ? "0 or more" : $"at least {minimum}");
                        return value;
                    }

                    var epochs = Get("Epochs", 1);
                    var steps = Get("Steps", 1);
                    var updates = Get("Updates", 1);
                    var lengths = new[] { ("Epochs", epochs), ("Steps", steps), ("Updates", updates) }.Where(l => l.Item2 > 0).Select(l => l.Item1).ToArray();
                    if (lengths.Length > 1) Report(DiagnosticDescriptors.ConflictingBudgets, location, what, string.Join(" and ", lengths));
                    var seeds = Named(attribute, "Seeds") as int? ?? (full is null ? Setting<int>(attribute, "Seeds") : 0);
                    if (full is null ? seeds < 1 : seeds < 0) Report(DiagnosticDescriptors.BadBudget, location, $"{what} Seeds", _name, Literal(seeds), "at least 1");
                    // A seed range: MaxSeeds above Seeds (0: a fixed count). [Smoke] inherits the full range only when it sets neither.
                    var maxSeeds = Named(attribute, "MaxSeeds") as int?;
                    var startSeeds = full is null || seeds != 0 ? seeds : full.Seeds;
                    if (maxSeeds is { } max && (max <= startSeeds || max > MaxSeedsAllowed))
                        Report(DiagnosticDescriptors.BadSeedRange, ArgumentLocation(attribute, "MaxSeeds") ?? location, $"{what} MaxSeeds", _name, Literal(max),
                            max > MaxSeedsAllowed ? $"at most {MaxSeedsAllowed}" : $"above Seeds = {startSeeds}");
                    var rangeMax = maxSeeds ?? (full is not null && seeds == 0 ? full.MaxSeeds : 0);

                    if (full is null)
                    {
                        var train = Named(data, "TrainSubset") as int? ?? 0;
                        var test = Named(data, "TestSubset") as int? ?? 0;
                        if (train < 0 || test < 0) Report(DiagnosticDescriptors.BadBudget, Location(data), "TrainSubset/TestSubset", _name, Literal(Math.Min(train, test)), "0 (everything) or more");
                        return new BudgetModel(lengths.Length == 0 ? Default<int>(attribute.AttributeClass, "Epochs") : epochs, steps, updates, seeds, train, test, rangeMax);
                    }

                    var smokeTrain = Get("TrainSubset", 0);
                    var smokeTest = Get("TestSubset", 0);
                    var hasLength = lengths.Length > 0;
                    return new BudgetModel(
                        hasLength ? epochs : full.Epochs, hasLength ? steps : full.Steps, hasLength ? updates : full.Updates,
                        seeds == 0 ? full.Seeds : seeds,
                        smokeTrain == 0 ? full.TrainSubset : smokeTrain,
                        smokeTest == 0 ? full.TestSubset : smokeTest,
                        rangeMax);
                }

                /// <summary>
                /// A target budget: exactly one of TrainLoss and TrainAccuracy, in range, with a cap in epochs (the full budget's, and
                /// the smoke budget's when it sets one); null without [TrainUntil] or when the declaration is at fault.
                /// </summary>
                private TargetModel? ParseTarget(AttributeData? attribute, AttributeData? smoke, DataSetModel? data)
                {
                    if (attribute is null) return null;
                    var errors = _diagnostics.Count;
                    var loss = NamedConstant(attribute, "TrainLoss");
                    var accuracy = NamedConstant(attribute, "TrainAccuracy");
                    if (loss is null == accuracy is null)
                        Report(DiagnosticDescriptors.TargetNotChosen, loss is null ? Location(attribute) : ArgumentLocation(attribute, "TrainAccuracy"), _name,
                            loss is null ? "gives no target" : "gives two targets, TrainLoss and TrainAccuracy");
                    double ValueOf(TypedConstant? constant) => Convert.ToDouble(constant?.Value ?? 0.0, CultureInfo.InvariantCulture);
                    if (loss is not null && !(ValueOf(loss) > 0 && !double.IsInfinity(ValueOf(loss))))
                        Report(DiagnosticDescriptors.BadTarget, ArgumentLocation(attribute, "TrainLoss"), "TrainLoss", _name, Literal(ValueOf(loss)),
                            "above 0 and finite (a mean cross-entropy of 0 is never reached)");
                    if (accuracy is not null && !(ValueOf(accuracy) > 0 && ValueOf(accuracy) <= 1))
                        Report(DiagnosticDescriptors.BadTarget, ArgumentLocation(attribute, "TrainAccuracy"), "TrainAccuracy", _name, Literal(ValueOf(accuracy)),
                            "in (0, 1] (a fraction of the training examples)");
                    var value = ValueOf(loss ?? accuracy);
                    if (accuracy is not null && data?.Kind == DataSetKind.QuadraticTarget)
                        Report(DiagnosticDescriptors.UnmetRequirement, ArgumentLocation(attribute, "TrainAccuracy"), "[TrainUntil(TrainAccuracy = ...)]",
                            "[QuadraticTarget] is a regression task and has no accuracy; use [TrainUntil(TrainLoss = ...)]");
                    var examples = Named(attribute, "Examples") as int? ?? 0;
                    if (examples < 0)
                        Report(DiagnosticDescriptors.BadTarget, ArgumentLocation(attribute, "Examples"), "Examples", _name, Literal(examples), "0 (the whole training set) or more");

                    // The cap: epochs only. A length in steps or updates is refused where it is written; no length at all has no cap.
                    var inSteps = false;
                    foreach (var (budget, what) in new[] { (_experiment, "[Experiment]"), (smoke, "[Smoke]") })
                        foreach (var property in new[] { "Steps", "Updates" })
                            if (Named(budget, property) is int n && n != 0)
                            {
                                Report(DiagnosticDescriptors.TargetNeedsEpochs, ArgumentLocation(budget, property), what, property, Literal(n));
                                inSteps = true;
                            }
                    if (!inSteps && Named(_experiment, "Epochs") is not int)
                        Report(DiagnosticDescriptors.TargetWithoutCap, Location(_experiment), _name);

                    if (_diagnostics.Count > errors) return null;
                    return new TargetModel(loss is null ? "TrainAccuracy" : "TrainLoss", Literal(value), examples);
                }

                // ----- components ----------------------------------------------------------------

                /// <summary>The kind an attribute declares, by its name (<c>[Mlp]</c> is <c>Mlp</c>); a user's own subclass of a DSL base is reported.</summary>
                private TKind? KindOf<TKind>(AttributeData attribute, string what) where TKind : struct
                {
                    if (Enum.TryParse<TKind>(Kind(attribute), out var kind)) return kind;
                    Report(DiagnosticDescriptors.UnmetRequirement, Location(attribute), "[" + Kind(attribute) + "]",
                        $"the runtime trains only the DSL's {what}s ({string.Join(", ", Enum.GetNames(typeof(TKind)).Select(n => "[" + n + "]"))}); use one of them");
                    return null;
                }

                private DataSetModel? ParseData(AttributeData? attribute)
                {
                    var kind = attribute is null ? DataSetKind.FashionMnist : KindOf<DataSetKind>(attribute, "data set");
                    if (kind is null) return null;
                    var settings = new List<Setting>
                    {
                        new("LabelNoise", Member("LabelNoise", SpecialType.System_Double, Literal(Named(attribute, "LabelNoise") as double? ?? 0.0))!),
                    };
                    var noise = Named(attribute, "LabelNoise") as double? ?? 0.0;
                    if (noise < 0 || noise >= 1) Report(DiagnosticDescriptors.BadBudget, Location(attribute), "LabelNoise", _name, Literal(noise), "in [0, 1)");
                    if (Member("TrainSubset", SpecialType.System_Int32, null) is { } subset) settings.Add(new Setting("TrainSubset", subset));
                    foreach (var pair in attribute?.NamedArguments ?? ImmutableArrayOfPairs())
                    {
                        if (pair.Key is "LabelNoise" or "TrainSubset" or "TestSubset") continue;
                        settings.Add(new Setting(pair.Key, Constant(pair.Value)));
                    }
                    // Every setting of the kind that the declaration leaves out is its DSL default (the attribute's Default* constant).
                    foreach (var (property, value) in Defaults(attribute?.AttributeClass))
                        if (NamedConstant(attribute, property) is null) settings.Add(new Setting(property, LiteralOf(value)));
                    if (attribute is not null)
                        foreach (var argument in attribute.ConstructorArguments)
                            settings.Add(new Setting("Name", Constant(argument)));
                    return new DataSetModel(kind.Value, settings.OrderBy(s => s.Name, StringComparer.Ordinal).ToEquatableArray());
                }

                private NetworkModel? ParseModel(AttributeData? attribute)
                {
                    var kind = attribute is null ? ModelKind.Mlp : KindOf<ModelKind>(attribute, "model");
                    if (kind is null) return null;
                    var type = attribute?.AttributeClass ?? DslType("MlpAttribute");
                    var settings = new List<Setting>();
                    if (kind == ModelKind.Mlp)
                    {
                        var sizes = attribute is null
                            ? Enumerable.Repeat(Default<int>(type, "HiddenWidth"), Default<int>(type, "HiddenLayers")).ToArray()
                            : IntArray(attribute.ConstructorArguments.FirstOrDefault());
                        foreach (var size in sizes.Where(s => s <= 0))
                            Report(DiagnosticDescriptors.BadModel, Location(attribute), "[Mlp] hidden width", Literal(size));
                        settings.Add(new Setting("Sizes", "new int[] { " + string.Join(", ", sizes.Select(Literal)) + " }"));
                    }

                    var width = Setting<double>(attribute, "Width", type);
                    if (width <= 0) Report(DiagnosticDescriptors.BadModel, Location(attribute), "Width multiplier", Literal(width));
                    settings.Add(new Setting("Width", Member("Width", SpecialType.System_Double, Literal(width))!));
                    settings.Add(new Setting("InitScale", Member("InitScale", SpecialType.System_Double, Literal(Setting<double>(attribute, "InitScale", type)))!));
                    // The ResNet is always batch-normalised; the other models' normalisation is the declared one (None when not given).
                    var normalization = kind == ModelKind.ResNet
                        ? EnumLiteral(DslType("Normalization"), "BatchNorm")
                        : NamedConstant(attribute, "Normalization") is { } declared ? Constant(declared) : EnumLiteral(DslType("Normalization"), "None");
                    settings.Add(new Setting("Normalization", MemberOfEnum("Normalization", Dsl + "Normalization", normalization)!));
                    var ghost = Setting<int>(attribute, "GhostBatchSize", type);
                    if (ghost <= 0) Report(DiagnosticDescriptors.BadModel, Location(attribute), "GhostBatchSize", Literal(ghost));
                    settings.Add(new Setting("GhostBatchSize", Member("GhostBatchSize", SpecialType.System_Int32, Literal(ghost))!));
                    if (kind == ModelKind.ResNet)
                    {
                        var blocks = Setting<int>(attribute, "Blocks", type);
                        if (blocks <= 0) Report(DiagnosticDescriptors.BadModel, Location(attribute), "[ResNet] Blocks", Literal(blocks));
                        settings.Add(new Setting("Blocks", Literal(blocks)));
                    }
                    return new NetworkModel(kind.Value, settings.OrderBy(s => s.Name, StringComparer.Ordinal).ToEquatableArray());
                }

                private ComponentModel? ParseOptimizer(AttributeData? attribute)
                {
                    var declared = attribute is null ? OptimizerDeclaration.Sgd : KindOf<OptimizerDeclaration>(attribute, "optimizer");
                    if (declared is null) return null;
                    var type = attribute?.AttributeClass ?? DslType("SgdAttribute");
                    var adam = DslType("AdamAttribute");
                    var optimizerKind = DslType("OptimizerKind");
                    var momentum = Setting<double>(attribute, "Momentum", type);
                    var nesterov = Named(attribute, "Nesterov") as bool? ?? false;
                    if (declared == OptimizerDeclaration.Sgd && nesterov && momentum <= 0 && Member("Momentum", SpecialType.System_Double, null) is null)
                        Report(DiagnosticDescriptors.NesterovWithoutMomentum, Location(attribute));

                    // The kind's member name, read from the enum's symbol: [Adam]'s Kind (or its default), [Sgd]'s from its momentum.
                    var adamKind = declared == OptimizerDeclaration.Adam ? EnumName(NamedConstant(attribute, "Kind")) ?? DefaultEnumName(type, "Kind") : null;
                    var kindName = declared switch
                    {
                        OptimizerDeclaration.Adam => adamKind!,
                        OptimizerDeclaration.Sgd => nesterov ? "Nesterov" : momentum > 0 ? "Momentum" : "Sgd",
                        _ => "Sgd",
                    };
                    var kindLiteral = EnumLiteral(optimizerKind, kindName);
                    var kind = MemberOfEnum("Optimizer", Dsl + "OptimizerKind", declared == OptimizerDeclaration.AnyOptimizer ? null : kindLiteral);
                    if (kind is null)
                    {
                        Report(DiagnosticDescriptors.MissingValues, Location(attribute), "Optimizer", _name);
                        kind = kindLiteral;
                    }
                    var lr = Named(attribute, "LearningRate") as double? is { } given && !double.IsNaN(given) ? given : Default<double>(type, "LearningRate");
                    var decay = Named(attribute, "WeightDecay") as double? is { } d && !double.IsNaN(d) ? d
                        : adamKind == "AdamW" ? Default<double>(adam, "AdamWWeightDecay") : 0.0;
                    var settings = new List<Setting>
                    {
                        new("Kind", kind),
                        new("LearningRate", Member("LearningRate", SpecialType.System_Double, Literal(lr))!),
                        new("BatchSize", Member("BatchSize", SpecialType.System_Int32, Literal(Setting<int>(attribute, "BatchSize", type)))!),
                        new("WeightDecay", Member("WeightDecay", SpecialType.System_Double, Literal(decay))!),
                        new("Momentum", declared == OptimizerDeclaration.AnyOptimizer
                            // the momentum setting applies to the momentum kinds only; plain SGD and the Adam family ignore it
                            ? $"{kind} is global::Declarative.OptimizerKind.Momentum or global::Declarative.OptimizerKind.Nesterov ? {Member("Momentum", SpecialType.System_Double, Literal(momentum))} : 0d"
                            : Member("Momentum", SpecialType.System_Double, Literal(momentum))!),
                        // The Adam family's defaults are [Adam]'s, whichever optimizer is declared (every spec carries them).
                        new("Beta1", Member("Beta1", SpecialType.System_Double, Literal(Setting<double>(attribute, "Beta1", adam)))!),
                        new("Beta2", Member("Beta2", SpecialType.System_Double, Literal(Setting<double>(attribute, "Beta2", adam)))!),
                        new("Epsilon", Member("Epsilon", SpecialType.System_Double, Literal(Setting<double>(attribute, "Epsilon", adam)))!),
                    };
                    return new ComponentModel(settings.OrderBy(s => s.Name, StringComparer.Ordinal).ToEquatableArray());
                }

                private ComponentModel ParseSchedule(AttributeData attribute, params string[] properties)
                {
                    var kindName = attribute.ConstructorArguments.Length == 1 ? EnumName(attribute.ConstructorArguments[0]) : null;
                    var kind = attribute.ConstructorArguments.Length == 1 ? Constant(attribute.ConstructorArguments[0]) : EnumLiteral(DslType("ScheduleKind"), "Constant");
                    var settings = new List<Setting> { new("Kind", kind) };
                    if (NamedConstant(attribute, "Factor") is null) settings.Add(new Setting("Factor", Literal(Default<double>(attribute.AttributeClass, "Factor"))));
                    foreach (var property in properties)
                        if (NamedConstant(attribute, property) is { } value)
                        {
                            if (value.Value is int i && i < 0 || value.Value is double x && x < 0)
                                Report(DiagnosticDescriptors.BadBudget, Location(attribute), property, _name, Constant(value), "0 or more");
                            settings.Add(new Setting(property, Constant(value)));
                        }
                    if (kindName is "Step" or "Cyclical" && !(Named(attribute, "Period") is int period && period > 0))
                        Report(DiagnosticDescriptors.BadBudget, Location(attribute), "Period", _name, "not set", "a positive number of steps (or epochs) for Step and Cyclical schedules");
                    return new ComponentModel(settings.ToEquatableArray());
                }

                // ----- defaults, read from the DSL ------------------------------------------------

                /// <summary>A DSL type by name, from the compilation (the DSL is referenced wherever an [Experiment] compiles).</summary>
                private INamedTypeSymbol DslType(string name) =>
                    _semantics.Compilation.GetTypeByMetadataName(Dsl + name) ?? throw new InvalidOperationException($"The DSL type {Dsl}{name} is not referenced.");

                /// <summary>
                /// An attribute's setting: the named argument when given, else the DSL's default, the constant <c>Default{Name}</c> of
                /// <paramref name="type"/> (the attribute's class when null) or its bases; a setting without one defaults to 0 (its property has no initializer).
                /// </summary>
                private static T Setting<T>(AttributeData? attribute, string name, INamedTypeSymbol? type = null) =>
                    Named(attribute, name) is T given ? given : Default<T>(type ?? attribute?.AttributeClass, name);

                /// <summary>The DSL's default of a setting: the constant <c>Default{Name}</c> of the type or its bases, else the type's default value.</summary>
                private static T Default<T>(ITypeSymbol? type, string name)
                {
                    for (var t = type; t is not null; t = t.BaseType)
                        foreach (var field in t.GetMembers("Default" + name).OfType<IFieldSymbol>())
                            if (field.IsConst && field.ConstantValue is { } value)
                                return (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
                    return default!;
                }

                /// <summary>Every <c>Default{Name}</c> constant an attribute class declares itself, by setting name.</summary>
                private static IEnumerable<(string Name, object Value)> Defaults(INamedTypeSymbol? type) =>
                    type is null ? Enumerable.Empty<(string, object)>()
                        : type.GetMembers().OfType<IFieldSymbol>()
                            .Where(f => f.IsConst && f.Name.StartsWith("Default", StringComparison.Ordinal) && f.ConstantValue is not null
                                        && type.GetMembers(f.Name.Substring("Default".Length)).OfType<IPropertySymbol>().Any())
                            .Select(f => (f.Name.Substring("Default".Length), f.ConstantValue!));

                /// <summary>The member name of an enum-typed <c>Default{Name}</c> constant (e.g. [Adam]'s Kind).</summary>
                private static string? DefaultEnumName(ITypeSymbol? type, string name)
                {
                    for (var t = type; t is not null; t = t.BaseType)
                        foreach (var field in t.GetMembers("Default" + name).OfType<IFieldSymbol>())
                            if (field.IsConst) return EnumMemberName(field.Type, field.ConstantValue);
                    return null;
                }

                private AttributeData? Single(IEnumerable<AttributeData> attributes, string what, Func<AttributeData, bool> predicate)
                {
                    var matching = attributes.Where(predicate).ToArray();
                    if (matching.Length > 1)
                        Report(DiagnosticDescriptors.ConflictingComponents, Location(matching[1]), _name,
                            string.Join(" and ", matching.Select(a => "[" + a.AttributeClass!.Name.Replace("Attribute", "") + "]")), what);
                    return matching.FirstOrDefault();
                }

                // ----- settings from record members ----------------------------------------------

                /// <summary><c>p.Name</c> when the record has a member of that name and a fitting type, else the fallback.</summary>
                private string? Member(string member, SpecialType expected, string? fallback)
                {
                    var property = _symbol.GetMembers(member).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic);
                    if (property is null) return fallback;
                    var actual = property.Type.SpecialType;
                    var ok = actual == expected || (expected == SpecialType.System_Double && actual is SpecialType.System_Single or SpecialType.System_Int32);
                    if (!ok)
                    {
                        Report(DiagnosticDescriptors.WrongMemberType, property.Locations.FirstOrDefault(), member, _name, Describe(member),
                            Keyword(expected) ?? expected.ToString(), property.Type.ToDisplayString());
                        return fallback;
                    }
                    return "p." + member;
                }

                private string? MemberOfEnum(string member, string enumName, string? fallback)
                {
                    var property = _symbol.GetMembers(member).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic);
                    if (property is null) return fallback;
                    if (property.Type.ToDisplayString() != enumName)
                    {
                        Report(DiagnosticDescriptors.WrongMemberType, property.Locations.FirstOrDefault(), member, _name, Describe(member),
                            enumName, property.Type.ToDisplayString());
                        return fallback;
                    }
                    return "p." + member;
                }

                /// <summary>
                /// Regime adaptation's spec settings (<c>RegimeBaseBatchSize = ..., RegimeKeepsLearningRate = ..., RegimeKeepsEpochs = ...</c>):
                /// always on, switched by a <c>bool</c> member <c>RegimeAdaptation</c>, or split into its parts by a member of type <c>Adaptation</c>.
                /// </summary>
                private RegimeModel ParseRegime(AttributeData attribute)
                {
                    var b0 = Literal(Setting<int>(attribute, "BaseBatchSize"));
                    var property = InstanceProperty("RegimeAdaptation");
                    if (property is null) return new RegimeModel(b0, null, null);
                    if (property.Type.SpecialType == SpecialType.System_Boolean) return new RegimeModel($"p.RegimeAdaptation ? {b0} : 0", null, null);
                    const string adaptation = "global::" + Dsl + "Adaptation";
                    if (property.Type.ToDisplayString() == Dsl + "Adaptation")
                        return new RegimeModel($"p.RegimeAdaptation != {adaptation}.None ? {b0} : 0",
                            $"p.RegimeAdaptation == {adaptation}.MoreUpdates", $"p.RegimeAdaptation == {adaptation}.ScaledLearningRate");
                    Report(DiagnosticDescriptors.WrongMemberType, property.Locations.FirstOrDefault(), "RegimeAdaptation", _name, "regime adaptation switch",
                        "bool or Declarative.Adaptation", property.Type.ToDisplayString());
                    return new RegimeModel(b0, null, null);
                }

                private static string Describe(string member) => member switch
                {
                    "LearningRate" => "learning rate",
                    "BatchSize" => "batch size",
                    "Optimizer" => "optimizer kind",
                    "PenaltyCoefficient" => "gradient-penalty coefficient",
                    _ => Regex.Replace(member, "(?<=[a-z])([A-Z])", " $1").ToLowerInvariant(),
                };

                // ----- sweep axes ----------------------------------------------------------------

                private ParameterModel? ParseParameter(IParameterSymbol parameter, ParameterSyntax syntax)
                {
                    var sweeps = parameter.GetAttributes()
                        .Where(a => IsDsl(a, "ValuesAttribute") || IsDsl(a, "LinearRangeAttribute") || IsDsl(a, "LogRangeAttribute") || IsDsl(a, "RandomSampleAttribute"))
                        .ToArray();
                    var link = parameter.GetAttributes().FirstOrDefault(a => IsDsl(a, "LinkedAttribute"))?.ConstructorArguments.FirstOrDefault().Value as string;
                    if (sweeps.Length == 0)
                    {
                        Report(DiagnosticDescriptors.MissingValues, syntax.Identifier.GetLocation(), parameter.Name, _name);
                        return null;
                    }
                    if (sweeps.Length > 1)
                    {
                        Report(DiagnosticDescriptors.TwoSweeps, Location(sweeps[1]), parameter.Name, string.Join(" and ", sweeps.Select(s => "[" + s.AttributeClass!.Name.Replace("Attribute", "") + "]")));
                        return null;
                    }

                    var sweep = sweeps[0];
                    var location = Location(sweep) ?? syntax.GetLocation();
                    var type = parameter.Type;
                    var isEnum = type.TypeKind == TypeKind.Enum;
                    var typeName = isEnum ? type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) : Keyword(type.SpecialType);
                    if (typeName is null)
                    {
                        Report(DiagnosticDescriptors.UnsupportedAxisType, syntax.Type?.GetLocation() ?? location, parameter.Name, type.ToDisplayString());
                        return null;
                    }
                    var reader = isEnum ? $"Enum<{typeName}>" : type.SpecialType switch
                    {
                        SpecialType.System_Double => "Double",
                        SpecialType.System_Int32 => "Int",
                        SpecialType.System_Int64 => "Long",
                        SpecialType.System_Boolean => "Bool",
                        _ => "Text",
                    };

                    List<string>? literals = IsDsl(sweep, "ValuesAttribute")
                        ? ExplicitValues(parameter, sweep, location, isEnum, typeName)
                        : GeneratedValues(parameter, sweep, location);
                    if (literals is null) return null;
                    if (literals.Count == 0)
                    {
                        Report(DiagnosticDescriptors.EmptyValues, location, parameter.Name);
                        return null;
                    }
                    var duplicate = literals.GroupBy(l => l).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null)
                    {
                        var sweepName = "[" + sweep.AttributeClass!.Name.Replace("Attribute", "") + "]";
                        Report(DiagnosticDescriptors.DuplicateValue, location, sweepName, parameter.Name, duplicate.Key.TrimEnd('d', 'L'),
                            IsDsl(sweep, "ValuesAttribute") ? "remove the duplicate" : "ask for fewer values or a wider range (an integer axis rounds its values)");
                        return null;
                    }
                    _axisLiterals[parameter.Name] = literals.ToArray();
                    _axes[parameter.Name] = (literals.Select(NumericValue).Where(v => v.HasValue).Select(v => v!.Value).ToArray(), location);
                    return new ParameterModel(parameter.Name, typeName, reader, literals.ToEquatableArray(), link);
                }

                private List<string>? ExplicitValues(IParameterSymbol parameter, AttributeData values, Location? location, bool isEnum, string typeName)
                {
                    if (values.ConstructorArguments.Length == 0 && values.ApplicationSyntaxReference?.GetSyntax() is AttributeSyntax { ArgumentList: null or { Arguments.Count: 0 } })
                        return new List<string>(); // [Values()]: the compiler's CS0121 does not say the fix; DCL005 does
                    if (values.ConstructorArguments.Length != 1 || values.ConstructorArguments[0].Kind != TypedConstantKind.Array)
                        return null; // the compiler reports a malformed attribute itself
                    var array = values.ConstructorArguments[0];
                    if (array.IsNull) return new List<string>();
                    var result = new List<string>();
                    foreach (var value in array.Values)
                    {
                        var valueType = value.Kind == TypedConstantKind.Enum ? value.Type : value.Type;
                        if (isEnum)
                        {
                            if (valueType is null || !SymbolEqualityComparer.Default.Equals(valueType, parameter.Type))
                            {
                                Report(DiagnosticDescriptors.ValueOfWrongType, location, parameter.Name, valueType?.ToDisplayString() ?? "null", parameter.Type.ToDisplayString());
                                return null;
                            }
                            var member = ((INamedTypeSymbol)parameter.Type).GetMembers().OfType<IFieldSymbol>()
                                .FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value.Value));
                            result.Add(member is null ? $"({typeName}){value.Value}" : $"{typeName}.{member.Name}");
                            continue;
                        }
                        var special = valueType?.SpecialType ?? SpecialType.None;
                        if (parameter.Type.SpecialType == SpecialType.System_Int64 && special == SpecialType.System_Double
                            && value.Value is double whole && whole == Math.Floor(whole) && Math.Abs(whole) < 9.2e18)
                        {
                            result.Add(LiteralFor(SpecialType.System_Int64, (long)whole));
                            continue;
                        }
                        if (!Accepts(parameter.Type.SpecialType, special))
                        {
                            Report(DiagnosticDescriptors.ValueOfWrongType, location, parameter.Name, valueType is null ? "null" : Keyword(special) ?? valueType.ToDisplayString(), parameter.Type.ToDisplayString());
                            return null;
                        }
                        result.Add(LiteralFor(parameter.Type.SpecialType, value.Value));
                    }
                    return result;
                }

                private List<string>? GeneratedValues(IParameterSymbol parameter, AttributeData sweep, Location? location)
                {
                    var what = "[" + sweep.AttributeClass!.Name.Replace("Attribute", "") + "]";
                    var special = parameter.Type.SpecialType;
                    if (special is not (SpecialType.System_Double or SpecialType.System_Int32 or SpecialType.System_Int64))
                    {
                        Report(DiagnosticDescriptors.ValueOfWrongType, location, parameter.Name, "numeric", parameter.Type.ToDisplayString());
                        return null;
                    }
                    var from = Convert.ToDouble(sweep.ConstructorArguments[0].Value, CultureInfo.InvariantCulture);
                    var to = Convert.ToDouble(sweep.ConstructorArguments[1].Value, CultureInfo.InvariantCulture);
                    var count = (int)sweep.ConstructorArguments[2].Value!;
                    var random = IsDsl(sweep, "RandomSampleAttribute");
                    var log = IsDsl(sweep, "LogRangeAttribute") || (random && Named(sweep, "Log") is true);
                    if (count < (random ? 1 : 2))
                    {
                        Report(DiagnosticDescriptors.BadRange, location, what, parameter.Name, Literal(count));
                        return null;
                    }
                    if (log && (from <= 0 || to <= 0))
                    {
                        Report(DiagnosticDescriptors.NonPositiveLogBound, location, what, parameter.Name, Literal(from <= 0 ? from : to));
                        return null;
                    }

                    var values = new List<double>();
                    if (random)
                    {
                        var state = (ulong)Setting<int>(sweep, "Seed");
                        for (var i = 0; i < count; i++)
                        {
                            var u = SplitMix64.NextUnit(ref state);
                            values.Add(log ? Math.Exp(Math.Log(from) + u * (Math.Log(to) - Math.Log(from))) : from + u * (to - from));
                        }
                    }
                    else
                    {
                        for (var i = 0; i < count; i++)
                        {
                            var t = (double)i / (count - 1);
                            values.Add(i == count - 1 ? to : log ? Math.Exp(Math.Log(from) + t * (Math.Log(to) - Math.Log(from))) : from + t * (to - from));
                        }
                    }
                    return values.Select(v => special == SpecialType.System_Double
                        ? Literal(RoundToSignificant(v))
                        : LiteralFor(special, Math.Round(v))).ToList();
                }

                /// <summary>Generated values are rounded to 12 significant digits, so that 0.1 + 0.2 reads as 0.3 in ids and reports.</summary>
                private static double RoundToSignificant(double value) =>
                    value == 0 ? 0 : double.Parse(value.ToString("G12", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

                /// <summary>
                /// An instrument in two [Track]s is one column measured at both cadences with the first track's
                /// options (see the emitter's Columns); a later track giving it other options would be ignored.
                /// </summary>
                private void CheckTrackOptions(List<TrackModel> tracks, List<AttributeData> attributes)
                {
                    static Dictionary<string, string> Options(TrackModel track) => track.Options
                        .Select(o => o.Split(new[] { " = " }, 2, StringSplitOptions.None)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
                    var first = new Dictionary<string, int>(StringComparer.Ordinal);
                    for (var t = 0; t < tracks.Count; t++)
                        foreach (var instrument in tracks[t].Instruments)
                        {
                            if (!first.TryGetValue(instrument.Name, out var f)) { first[instrument.Name] = t; continue; }
                            var (a, b) = (Options(tracks[f]), Options(tracks[t]));
                            var key = a.Keys.Union(b.Keys).OrderBy(k => k, StringComparer.Ordinal)
                                .FirstOrDefault(k => !a.TryGetValue(k, out var x) || !b.TryGetValue(k, out var y) || x != y);
                            if (key is null) continue;
                            string Given(Dictionary<string, string> options) => options.TryGetValue(key, out var v) ? $"{key} = {v}" : $"the default {key}";
                            Report(DiagnosticDescriptors.SetTwice, Location(attributes[t]), $"{key} of {instrument.Name}",
                                $"its first [Track] ({Given(a)})", $"this one ({Given(b)})");
                        }
                }

                // ----- settings checked together --------------------------------------------------

                /// <summary>Settings a record member overrides (see <see cref="Member"/>).</summary>
                private static readonly string[] MemberSettings =
                {
                    "LearningRate", "BatchSize", "WeightDecay", "Momentum", "Beta1", "Beta2", "Epsilon",
                    "Width", "InitScale", "Normalization", "GhostBatchSize", "LabelNoise", "TrainSubset",
                };

                private void CheckSettings(AttributeData? data, AttributeData? model, AttributeData? optimizer, DataSetModel? dataModel, NetworkModel? networkModel, BudgetModel full, BudgetModel smoke)
                {
                    // A setting given by an attribute and by a record member: the member is used, the attribute's value silently not.
                    foreach (var attribute in new[] { data, model, optimizer })
                        foreach (var pair in attribute?.NamedArguments ?? ImmutableArrayOfPairs())
                            if (Array.IndexOf(MemberSettings, pair.Key) >= 0 && InstanceProperty(pair.Key) is not null)
                                Report(DiagnosticDescriptors.SetTwice, ArgumentLocation(attribute, pair.Key), pair.Key,
                                    $"the record's member '{pair.Key}'", $"[{Kind(attribute!)}({pair.Key} = {Constant(pair.Value)})]");

                    if (dataModel is null || networkModel is null) return;

                    // Members the declared optimizer does not read: their values would train identical models.
                    var optimizerKind = optimizer is null ? nameof(OptimizerDeclaration.Sgd) : Kind(optimizer);
                    var unused = optimizerKind switch
                    {
                        nameof(OptimizerDeclaration.Sgd) => new[] { ("Beta1", "the Adam family's beta1"), ("Beta2", "the Adam family's beta2"), ("Epsilon", "the Adam family's epsilon") },
                        nameof(OptimizerDeclaration.Adam) => new[] { ("Momentum", "SGD's momentum") },
                        _ => Array.Empty<(string, string)>(),
                    };
                    foreach (var (member, what) in unused)
                        if (InstanceProperty(member) is { } property)
                            Report(DiagnosticDescriptors.NotForThisOptimizer, property.Locations.FirstOrDefault(), member, what, "[" + optimizerKind + "]",
                                optimizerKind == nameof(OptimizerDeclaration.Sgd) ? "[Adam], or [AnyOptimizer] with an 'Optimizer' axis to compare optimizers" : "[Sgd(Momentum = ...)], or [AnyOptimizer] with an 'Optimizer' axis");

                    // Optimizer settings out of range, from the attribute or from a sweep axis.
                    CheckRange(optimizer, "LearningRate", v => v > 0, "greater than 0 (a negative learning rate climbs the loss, 0 never moves)");
                    CheckRange(optimizer, "BatchSize", v => v >= 1, "of 1 or more");
                    CheckRange(optimizer, "WeightDecay", v => v >= 0, "of 0 or more");
                    CheckRange(optimizer, "Momentum", v => v >= 0 && v < 1, "in [0, 1)");
                    CheckRange(optimizer, "Beta1", v => v >= 0 && v < 1, "in [0, 1)");
                    CheckRange(optimizer, "Beta2", v => v >= 0 && v < 1, "in [0, 1)");
                    CheckRange(optimizer, "Epsilon", v => v > 0, "greater than 0");

                    var batches = Known(optimizer, "BatchSize", Default<int>(optimizer?.AttributeClass ?? DslType("SgdAttribute"), "BatchSize"));

                    // Ghost batch norm splits each batch into ghost batches of GhostBatchSize examples.
                    var ghostNorm = EnumName(NamedConstant(model, "Normalization")) == "GhostBatchNorm"
                        || _axisLiterals.TryGetValue("Normalization", out var norms) && norms.Contains("global::Declarative.Normalization.GhostBatchNorm");
                    if (ghostNorm && networkModel.Kind != ModelKind.ResNet)
                        foreach (var ghost in Known(model, "GhostBatchSize", Default<int>(model?.AttributeClass ?? DslType("MlpAttribute"), "GhostBatchSize")).Where(g => g.Value > 0))
                            foreach (var batch in batches.Where(b => b.Value > 0 && b.Value % ghost.Value != 0).Take(1))
                                Report(DiagnosticDescriptors.GhostBatchDoesNotDivide, batch.Where, Literal((int)batch.Value), Literal((int)ghost.Value));

                    // A batch larger than the training set.
                    foreach (var (budget, whose) in new[] { (full, ""), (smoke, "the [Smoke] budget's ") })
                    {
                        var (examples, source) = budget.TrainSubset > 0 ? (budget.TrainSubset, whose + "TrainSubset") : (TrainingExamples(dataModel.Kind, data), $"[{dataModel.Kind}]");
                        if (examples <= 0) continue;
                        var tooLarge = batches.FirstOrDefault(b => b.Value > examples);
                        if (tooLarge.Value > examples)
                        {
                            Report(DiagnosticDescriptors.BatchLargerThanData, tooLarge.Where, Literal((int)tooLarge.Value), Literal(examples), source);
                            break;
                        }
                    }

                    // Model settings that the model ignores.
                    if (networkModel.Kind == ModelKind.ResNet && NamedConstant(model, "Normalization") is { } declared && EnumName(declared) != "BatchNorm")
                        Report(DiagnosticDescriptors.NotForThisModel, ArgumentLocation(model, "Normalization"), "Normalization", "[ResNet]",
                            "the ResNet always uses batch norm; remove Normalization, or use an [Mlp] or [Cnn] to compare normalisations");
                    var ghostPossible = networkModel.Kind != ModelKind.ResNet && (ghostNorm || InstanceProperty("Normalization") is not null && !_axes.ContainsKey("Normalization"));
                    if (NamedConstant(model, "GhostBatchSize") is not null && !ghostPossible)
                        Report(DiagnosticDescriptors.NotForThisModel, ArgumentLocation(model, "GhostBatchSize"), "GhostBatchSize", $"[{networkModel.Kind}]" + (networkModel.Kind == ModelKind.ResNet ? "" : " without ghost batch norm"),
                            "it sizes the ghost batches of Normalization = Normalization.GhostBatchNorm; set that normalisation, or remove GhostBatchSize");

                    // Label noise flips class labels; a regression target has none (the runtime would refuse every trial).
                    if (dataModel.Kind == DataSetKind.QuadraticTarget && (Named(data, "LabelNoise") is double noise && noise != 0 || InstanceProperty("LabelNoise") is not null))
                        Report(DiagnosticDescriptors.UnmetRequirement, InstanceProperty("LabelNoise")?.Locations.FirstOrDefault() ?? ArgumentLocation(data, "LabelNoise"), "LabelNoise",
                            "[QuadraticTarget] is a regression task with no labels to flip; use its Noise for noisy targets");

                    // Convolutional models read images.
                    if (networkModel.Kind is ModelKind.Cnn or ModelKind.ResNet && dataModel.Kind is DataSetKind.GaussianMixture or DataSetKind.TeacherStudent or DataSetKind.QuadraticTarget)
                        Report(DiagnosticDescriptors.UnmetRequirement, Location(model), $"[{networkModel.Kind}]",
                            $"[{dataModel.Kind}] gives flat feature vectors, not images; use [FashionMnist], [Cifar10] or [Idx] data, or an [Mlp]");
                }

                /// <summary>The values a setting takes: a sweep axis's, else (unless a computed member sets it) the attribute's or the default.</summary>
                private List<(double Value, Location? Where)> Known(AttributeData? attribute, string name, double? fallback)
                {
                    if (_axes.TryGetValue(name, out var axis)) return axis.Values.Select(v => (v, axis.Where)).ToList();
                    if (InstanceProperty(name) is not null) return new List<(double, Location?)>(); // computed: known only at run time
                    if (NamedConstant(attribute, name) is { Value: { } given } && Convert.ToDouble(given, CultureInfo.InvariantCulture) is var value && !double.IsNaN(value))
                        return new List<(double, Location?)> { (value, ArgumentLocation(attribute, name)) };
                    return fallback is { } d ? new List<(double, Location?)> { (d, Location(attribute)) } : new List<(double, Location?)>();
                }

                private void CheckRange(AttributeData? attribute, string name, Func<double, bool> valid, string range)
                {
                    foreach (var (value, where) in Known(attribute, name, null))
                        if (!valid(value))
                        {
                            Report(DiagnosticDescriptors.BadHyperParameter, where, name, Literal(value).TrimEnd('d'), range);
                            return;
                        }
                }

                private IPropertySymbol? InstanceProperty(string name) =>
                    _symbol.GetMembers(name).OfType<IPropertySymbol>().FirstOrDefault(p => !p.IsStatic);

                /// <summary>Training examples of a data set whose size is known here (the files' sizes, or the synthetic set's Train); 0 otherwise.</summary>
                private static int TrainingExamples(DataSetKind dataKind, AttributeData? data) => dataKind switch
                {
                    DataSetKind.FashionMnist => 60000,
                    DataSetKind.Cifar10 => 50000,
                    DataSetKind.GaussianMixture or DataSetKind.TeacherStudent => Setting<int>(data, "Train"),
                    _ => 0, // [Idx] and [QuadraticTarget]: the size is known only when the data is read
                };

                private void CheckLinkedGroups(List<ParameterModel> parameters)
                {
                    foreach (var group in parameters.Where(p => p.LinkGroup is not null).GroupBy(p => p.LinkGroup!))
                    {
                        var counts = group.Select(p => p.Values.Count).Distinct().ToArray();
                        if (counts.Length > 1)
                            Report(DiagnosticDescriptors.LinkedLengths, null, group.Key,
                                string.Join(", ", group.Select(p => $"{p.Name}: {p.Values.Count}")));
                    }
                }

                // ----- tracks --------------------------------------------------------------------

                private TrackModel? ParseTrack(AttributeData attribute, DataSetModel? data, BudgetModel budget)
                {
                    var location = Location(attribute);
                    var instruments = InstrumentNames(attribute);
                    if (instruments.Count == 0)
                    {
                        Report(DiagnosticDescriptors.NoInstrument, location);
                        return null;
                    }
                    if (data?.Kind == DataSetKind.QuadraticTarget)
                        foreach (var accuracy in instruments.Where(i => i.Name.EndsWith("Accuracy", StringComparison.Ordinal) || i.Name == "AccuracyGap"))
                            Report(DiagnosticDescriptors.UnmetRequirement, location, $"Instrument {accuracy.Name}",
                                "[QuadraticTarget] is a regression task and has no accuracy; track a loss instead");
                    // The flipped-label instruments measure the examples label noise flipped: without noise there are none.
                    var noiseless = data is null || data.Settings.FirstOrDefault(s => s.Name == "LabelNoise")?.Expression == Literal(0.0);
                    if (noiseless && data?.Kind != DataSetKind.QuadraticTarget)
                        foreach (var flipped in instruments.Where(i => i.Name.StartsWith("FlippedLabel", StringComparison.Ordinal)))
                            Report(DiagnosticDescriptors.UnmetRequirement, location, $"Instrument {flipped.Name}",
                                "it measures the training examples whose labels LabelNoise flipped, and this experiment flips none; declare LabelNoise on the data set (e.g. [FashionMnist(LabelNoise = 0.2)]) or sweep a LabelNoise member");

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
                            "global::Declarative.Runtime.Experiments.Cadence.AtSteps(" + string.Join(", ", list.Select(s => Literal(s) + "L")) + ")",
                            "at steps " + string.Join(", ", list.Select(Literal))));
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

                    // With a budget in steps the trial's length is known here: a cadence past it measures only at the last step.
                    var totalSteps = budget.Steps > 0 ? budget.Steps : budget.Updates;
                    if (totalSteps > 0)
                    {
                        var late = Named(attribute, "Every") is int e && e > totalSteps ? $"Every = {Literal(e)}"
                            : NamedConstant(attribute, "AtSteps") is { IsNull: false } at && at.Values.Select(v => (int)v.Value!).Where(x => x > totalSteps).ToArray() is { Length: > 0 } past
                                ? "AtSteps " + string.Join(", ", past.Select(Literal))
                                : null;
                        if (late is not null)
                        {
                            Report(DiagnosticDescriptors.CadenceNeverFires, location, late, Literal(totalSteps));
                            return null;
                        }
                    }

                    // An option read by none of this track's instruments would be silently ignored.
                    foreach (var pair in OptionReaders)
                        if (attribute.NamedArguments.Any(a => a.Key == pair.Key) && !instruments.Any(i => pair.Value.Contains(i.Name)))
                            Report(DiagnosticDescriptors.UnreadTrackOption, ArgumentLocation(attribute, pair.Key), pair.Key, string.Join(", ", pair.Value));

                    var options = new List<string>();
                    foreach (var option in new[] { "TopK", "Examples", "Samples", "AlphaPoints", "AscentSteps" })
                        if (Named(attribute, option) is int n && n != 0)
                        {
                            if (n < 0) Report(DiagnosticDescriptors.BadBudget, location, "[Track] " + option, _name, Literal(n), "positive");
                            options.Add($"{option} = {Literal(n)}");
                        }
                    foreach (var option in new[] { "AlphaFrom", "AlphaTo", "Epsilon", "AscentTolerance" })
                        if (Named(attribute, option) is double d && !double.IsNaN(d))
                        {
                            if (option is "Epsilon" or "AscentTolerance" && !(d > 0)) Report(DiagnosticDescriptors.BadBudget, location, "[Track] " + option, _name, Literal(d).TrimEnd('d'), "positive");
                            options.Add($"{option} = {Literal(d)}");
                        }
                    return new TrackModel(instruments.ToEquatableArray(), cadences[0].Expression, cadences[0].Text, options.ToEquatableArray());
                }

                private static readonly string[] EpsilonSharpnessInstruments = { "EpsilonSharpness", "EpsilonSharpnessError", "EpsilonSharpnessSteps" };

                /// <summary>The instruments that read each [Track] option (src/Runtime/Instruments); Examples is read by most full-batch ones and not checked.</summary>
                private static readonly KeyValuePair<string, string[]>[] OptionReaders =
                {
                    new("TopK", new[] { "HessianTopEigenvalues", "LossAlongTopEigenvector", "HessianLanczosProducts" }),
                    new("Samples", new[] { "HessianTrace", "GradientVariance", "GradientNoiseScale" }),
                    new("AlphaFrom", new[] { "LossAlongTopEigenvector", "InterpolationProfile", "InterpolationMinimum", "InterpolationHeight" }),
                    new("AlphaTo", new[] { "LossAlongTopEigenvector", "InterpolationProfile", "InterpolationMinimum", "InterpolationHeight" }),
                    new("AlphaPoints", new[] { "LossAlongTopEigenvector", "InterpolationProfile", "InterpolationMinimum", "InterpolationHeight" }),
                    new("Epsilon", EpsilonSharpnessInstruments),
                    new("AscentSteps", EpsilonSharpnessInstruments),
                    new("AscentTolerance", EpsilonSharpnessInstruments),
                };

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
                        if (bit == 0 || (bit & (bit - 1)) != 0 || (value & bit) != bit) continue;
                        var vector = field.GetAttributes().Any(a => IsDsl(a, "ColumnShapeAttribute")
                            && a.ConstructorArguments.Length == 1 && a.ConstructorArguments[0].Value is int shape && shape == 1);
                        result.Add(new InstrumentModel(field.Name, vector));
                    }
                    return result;
                }
            }

            // ----- helpers -------------------------------------------------------------------------

            private static IEnumerable<KeyValuePair<string, TypedConstant>> ImmutableArrayOfPairs() => Array.Empty<KeyValuePair<string, TypedConstant>>();

            private static string Kind(AttributeData attribute) => attribute.AttributeClass!.Name.Replace("Attribute", "");

            private static bool IsDsl(AttributeData attribute, string name) => attribute.AttributeClass?.ToDisplayString() == Dsl + name;

            private static AttributeData? Find(IEnumerable<AttributeData> attributes, string name) => attributes.FirstOrDefault(a => IsDsl(a, name));

            private static bool Derives(ITypeSymbol? type, string baseName)
            {
                for (var t = type; t is not null; t = t.BaseType)
                    if (t.ToDisplayString() == baseName) return true;
                return false;
            }

            private static int[] IntArray(TypedConstant constant) =>
                constant.Kind == TypedConstantKind.Array && !constant.IsNull ? constant.Values.Select(v => (int)v.Value!).ToArray() : Array.Empty<int>();

            /// <summary>The name of the enum member with this value, read from the enum type's fields; null when none has it.</summary>
            private static string? EnumMemberName(ITypeSymbol? enumType, object? value) =>
                enumType?.TypeKind != TypeKind.Enum || value is null ? null
                    : enumType.GetMembers().OfType<IFieldSymbol>().FirstOrDefault(f => f.HasConstantValue && Equals(f.ConstantValue, value))?.Name;

            /// <summary>The member name of an enum-typed attribute argument; null when absent or not an enum member.</summary>
            private static string? EnumName(TypedConstant? constant) => constant is { } c ? EnumMemberName(c.Type, c.Value) : null;

            /// <summary>An enum member as a C# expression (<c>global::Declarative.Normalization.None</c>), checked against the enum's symbol.</summary>
            private static string EnumLiteral(INamedTypeSymbol enumType, string member) =>
                enumType.GetMembers(member).OfType<IFieldSymbol>().Any(f => f.HasConstantValue)
                    ? enumType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + member
                    : throw new InvalidOperationException($"{enumType.ToDisplayString()} has no member {member}.");

            /// <summary>A constant a DSL default gave, as a C# literal.</summary>
            private static string LiteralOf(object value) => value switch
            {
                double d => Literal(d),
                int i => Literal(i),
                bool b => b ? "true" : "false",
                string text => SymbolDisplay.FormatLiteral(text, quote: true),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
            };

            /// <summary>A typed constant as a C# expression.</summary>
            private static string Constant(TypedConstant constant) => constant.Value switch
            {
                null => "null",
                string s => SymbolDisplay.FormatLiteral(s, quote: true),
                double d => Literal(d),
                bool b => b ? "true" : "false",
                var value when constant.Type?.TypeKind == TypeKind.Enum => EnumMemberName(constant.Type, value) is { } member
                    ? constant.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) + "." + member
                    : $"({constant.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}){Convert.ToString(value, CultureInfo.InvariantCulture)}",
                int i => Literal(i),
                var other => Convert.ToString(other, CultureInfo.InvariantCulture)!,
            };

            private static bool Accepts(SpecialType parameter, SpecialType value) => parameter switch
            {
                SpecialType.System_Double => value is SpecialType.System_Double or SpecialType.System_Int32,
                SpecialType.System_Int32 => value == SpecialType.System_Int32,
                SpecialType.System_Int64 => value is SpecialType.System_Int32 or SpecialType.System_Int64,
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

            /// <summary>The location of a named argument (<c>Name = value</c>) of an attribute, else of the attribute.</summary>
            private static Location? ArgumentLocation(AttributeData? attribute, string name) =>
                (attribute?.ApplicationSyntaxReference?.GetSyntax() as AttributeSyntax)?.ArgumentList?.Arguments
                    .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.GetLocation() ?? Location(attribute);

            /// <summary>A numeric literal this parser wrote ("0.1d", "32", "7L") as a number; null for other literals.</summary>
            private static double? NumericValue(string literal) =>
                double.TryParse(literal.TrimEnd('d', 'L'), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

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
