using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Declarative.Generators.Diagnostics
{
    /// <summary>
    /// Every diagnostic the generator reports, in one place. IDs are <c>DCL</c> and three digits; each
    /// message says how to fix the problem; each has a page under <c>docs/diagnostics/</c>.
    /// </summary>
    internal static class DiagnosticDescriptors
    {
        private const string Category = "Declarative.Experiments";
        private const string HelpRoot = "docs/diagnostics/";

        public static readonly DiagnosticDescriptor NotARecord = Create(
            "DCL001", "Experiment must be a record",
            "'{0}' is declared with [Experiment] but is a {1}: declare it as 'partial record {0}(...)' (a record class) so its positional parameters become the sweep axes");

        public static readonly DiagnosticDescriptor NotPartial = Create(
            "DCL002", "Experiment record must be partial",
            "The experiment record '{0}' must be partial so the generator can add its trials, metric row and training loop: add the 'partial' modifier");

        public static readonly DiagnosticDescriptor ValueOfWrongType = Create(
            "DCL003", "Sweep value of the wrong type",
            "[Values] of parameter '{0}' holds {1} values but the parameter is '{2}': give {2} values or change the parameter's type");

        public static readonly DiagnosticDescriptor MissingValues = Create(
            "DCL004", "Sweep axis without values",
            "Parameter '{0}' of experiment '{1}' is a sweep axis but has no values: add [Values(...)] to it, or turn it into a property with a fixed value");

        public static readonly DiagnosticDescriptor EmptyValues = Create(
            "DCL005", "Empty sweep axis",
            "[Values] of parameter '{0}' is empty, so the sweep has no trials: list at least one value");

        public static readonly DiagnosticDescriptor DuplicateValue = Create(
            "DCL006", "Duplicate sweep value",
            "{0} of parameter '{1}' gives {2} more than once, which would run the same trials twice: {3}");

        public static readonly DiagnosticDescriptor BadCadence = Create(
            "DCL007", "Unknown or ill-formed cadence",
            "[Track] {0}: give exactly one cadence, one of Every = N (N > 0), AtEpochEnd = true, AtEnd = true, AtSteps = new[] {{ ... }} (steps >= 1) or LogSpaced = N (N > 0)");

        public static readonly DiagnosticDescriptor WrongMemberType = Create(
            "DCL008", "Training setting of the wrong type",
            "Member '{0}' of experiment '{1}' sets the {2} and must be of type '{3}', not '{4}': change its type or rename it");

        public static readonly DiagnosticDescriptor BadBudget = Create(
            "DCL009", "Budget out of range",
            "{0} of experiment '{1}' is {2}: it must be {3}");

        public static readonly DiagnosticDescriptor DuplicateName = Create(
            "DCL010", "Two experiments with one name",
            "Experiment '{0}' is named '{2}' like experiment '{1}', so their trials and reports would collide: give it another Name in [Experiment(Name = ...)]");

        public static readonly DiagnosticDescriptor NoInstrument = Create(
            "DCL011", "Track without instruments",
            "[Track] names no instrument: pass one or more Instruments members, combined with '|'");

        public static readonly DiagnosticDescriptor BadModel = Create(
            "DCL012", "Model size out of range",
            "{0} {1} must be positive: give each layer one or more units (and a positive width multiplier)");

        public static readonly DiagnosticDescriptor NonPositiveLogBound = Create(
            "DCL013", "Logarithmic range with a non-positive bound",
            "{0} of parameter '{1}' has bound {2}, but a logarithmic range needs both bounds positive: use positive bounds or a [LinearRange]");

        public static readonly DiagnosticDescriptor LinkedLengths = Create(
            "DCL014", "Linked axes of unequal length",
            "Axes linked as '{0}' have {1} values: linked axes vary together, so give each of them the same number of values");

        public static readonly DiagnosticDescriptor ConflictingBudgets = Create(
            "DCL015", "Conflicting budgets",
            "{0} sets {1}: a trial's length is given by exactly one of Epochs, Steps or Updates, so keep one");

        public static readonly DiagnosticDescriptor UnmetRequirement = Create(
            "DCL016", "Instrument or setting the model or data cannot serve",
            "{0}: {1}");

        public static readonly DiagnosticDescriptor ConflictingComponents = Create(
            "DCL017", "Two components of one kind",
            "Experiment '{0}' declares {1}: an experiment has one {2}; keep one (sweep a member like 'Optimizer' or 'Normalization' to compare variants)");

        public static readonly DiagnosticDescriptor BadRange = Create(
            "DCL018", "Range or sample with too few values",
            "{0} of parameter '{1}' asks for {2} value(s): a range needs at least 2 and a random sample at least 1");

        public static readonly DiagnosticDescriptor TwoSweeps = Create(
            "DCL019", "Two sweeps on one axis",
            "Parameter '{0}' has both {1}: give each axis exactly one of [Values], [LinearRange], [LogRange] or [RandomSample]");

        public static readonly DiagnosticDescriptor NesterovWithoutMomentum = Create(
            "DCL020", "Nesterov without momentum",
            "[Sgd(Nesterov = true)] needs Momentum > 0: set Momentum (e.g. 0.9) or drop Nesterov");

        public static readonly DiagnosticDescriptor GhostBatchDoesNotDivide = Create(
            "DCL021", "Ghost batch size does not divide the batch size",
            "Batch size {0} is not a multiple of GhostBatchSize {1}, so each step would normalise uneven ghost batches: use batch sizes that are multiples of {1}, or a GhostBatchSize that divides {0}");

        public static readonly DiagnosticDescriptor BadHyperParameter = Create(
            "DCL022", "Optimizer setting out of range",
            "{0} is {1}: give a value {2}");

        public static readonly DiagnosticDescriptor NotForThisOptimizer = Create(
            "DCL023", "Setting the chosen optimizer does not use",
            "'{0}' sets {1}, which {2} does not use, so its values would train identical models: remove it, or declare {3}");

        public static readonly DiagnosticDescriptor ClaimNotStatic = Create(
            "DCL024", "Claim that is not static",
            "Claim '{0}' is an instance property, so it would never be checked: make it static ('public static Claim {0} => ...')");

        public static readonly DiagnosticDescriptor BatchLargerThanData = Create(
            "DCL025", "Batch larger than the training set",
            "Batch size {0} is larger than the {1} training examples of {2}: use a batch size of at most {1}, or a larger TrainSubset");

        public static readonly DiagnosticDescriptor SetTwice = Create(
            "DCL026", "Setting given twice",
            "{0} is given twice, by {1} and by {2}, and only the first is used: keep one of them");

        public static readonly DiagnosticDescriptor CadenceNeverFires = Create(
            "DCL027", "Cadence outside the trial",
            "[Track] {0} lies beyond the trial's {1} steps, so it would measure only at the last step: use a cadence within the budget, or AtEnd = true if the end is what you want");

        public static readonly DiagnosticDescriptor UnknownSetting = Create(
            "DCL028", "Unknown attribute property",
            "[{0}] has no property '{1}'{2}: use one of {3}");

        public static readonly DiagnosticDescriptor UntrackedMetric = Create(
            "DCL029", "Claim on a metric that is not tracked",
            "'{0}' is not a tracked metric of experiment '{1}': add [Track(Instruments.{2}, ...)] to the record{3}");

        public static readonly DiagnosticDescriptor UnsupportedAxisType = Create(
            "DCL030", "Sweep axis of an unsupported type",
            "Parameter '{0}' is a '{1}', which a sweep axis cannot be: declare it as double, int, long, bool, string or an enum");

        public static readonly DiagnosticDescriptor UnknownAttribute = Create(
            "DCL031", "Misspelt attribute",
            "[{0}] is not an attribute: did you mean [{1}]? Rename it to [{1}]");

        public static readonly DiagnosticDescriptor NotForThisModel = Create(
            "DCL032", "Model setting that does not apply",
            "{0} has no effect on {1}: {2}");

        public static readonly DiagnosticDescriptor UnreadTrackOption = Create(
            "DCL033", "Track option that no tracked instrument reads",
            "{0} has no effect on this [Track]: only {1} read it; move it to the [Track] of one of those, or remove it");

        public static readonly DiagnosticDescriptor BadSeedRange = Create(
            "DCL034", "Seed range out of range",
            "{0} of experiment '{1}' is {2}: it must be {3}; MaxSeeds is the most seeds a point may get when claims stay undecided (remove it for a fixed seed count)");

        public static readonly DiagnosticDescriptor SeedRangeWithoutClaims = Create(
            "DCL035", "Seed range without a claim",
            "Experiment '{0}' declares MaxSeeds but no claim: seeds are added only to decide claims that are still inconclusive; declare a claim (a static Claim property) or remove MaxSeeds");

        public static readonly DiagnosticDescriptor TargetNotChosen = Create(
            "DCL036", "Target budget without exactly one target",
            "[TrainUntil] of experiment '{0}' {1}: give exactly one of TrainLoss (stop once the training loss is at most it) and TrainAccuracy (stop once the training accuracy is at least it), e.g. [TrainUntil(TrainLoss = 0.15)]");

        public static readonly DiagnosticDescriptor BadTarget = Create(
            "DCL037", "Target out of range",
            "[TrainUntil] {0} of experiment '{1}' is {2}: it must be {3}");

        public static readonly DiagnosticDescriptor TargetNeedsEpochs = Create(
            "DCL038", "Target budget not in epochs",
            "[TrainUntil] checks its target at each epoch end and caps a trial in epochs, but {0} gives {1} = {2}: replace it with Epochs = N, the most epochs a trial may train");

        public static readonly DiagnosticDescriptor TargetWithoutCap = Create(
            "DCL039", "Target budget without a cap",
            "Experiment '{0}' trains until a target ([TrainUntil]) but gives no cap: set [Experiment(Epochs = N)], the most epochs a trial may train before it is recorded as not reaching its target");

        public static IEnumerable<DiagnosticDescriptor> All => new[]
        {
            NotARecord, NotPartial, ValueOfWrongType, MissingValues, EmptyValues, DuplicateValue,
            BadCadence, WrongMemberType, BadBudget, DuplicateName, NoInstrument, BadModel,
            NonPositiveLogBound, LinkedLengths, ConflictingBudgets, UnmetRequirement, ConflictingComponents,
            BadRange, TwoSweeps, NesterovWithoutMomentum, GhostBatchDoesNotDivide, BadHyperParameter,
            NotForThisOptimizer, ClaimNotStatic, BatchLargerThanData, SetTwice, CadenceNeverFires, UnknownSetting,
            UntrackedMetric, UnsupportedAxisType, UnknownAttribute, NotForThisModel, UnreadTrackOption,
            BadSeedRange, SeedRangeWithoutClaims, TargetNotChosen, BadTarget, TargetNeedsEpochs, TargetWithoutCap,
        };

        public static DiagnosticDescriptor ById(string id) => All.First(d => d.Id == id);

        private static DiagnosticDescriptor Create(string id, string title, string message) =>
            new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
                helpLinkUri: HelpRoot + id + ".md");
    }
}
