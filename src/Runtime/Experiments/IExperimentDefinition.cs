namespace Declarative.Runtime.Experiments;

/// <summary>
/// One experiment as the runner sees it. The source generator implements this for each
/// <c>[Experiment]</c> record and lists them in the assembly's generated catalogue.
/// </summary>
public interface IExperimentDefinition
{
    string Name { get; }

    /// <summary>The record's doc comment summary: the finding the experiment is about.</summary>
    string Summary { get; }

    /// <summary>The declaration as written (attributes and record header), for reports.</summary>
    string Declaration { get; }

    /// <summary>The sweep axes, in declaration order.</summary>
    IReadOnlyList<string> Axes { get; }

    MetricSchema Schema { get; }

    /// <summary>The claims the experiment declares about its results, checked after the sweep and shown first in its report.</summary>
    IReadOnlyList<Claims.Claim> Claims { get; }

    ExperimentSettings SettingsFor(Budget budget);

    IReadOnlyList<ITrial> Trials(Budget budget);

    TrialOutcome Run(ITrial trial, TrialContext context);

    /// <summary>What a trial trains with (the runner groups trials whose specs can pack).</summary>
    Specs.TrialSpec SpecFor(ITrial trial) => throw new NotSupportedException($"{Name} does not describe its trials as specs.");

    /// <summary>
    /// Why this experiment's trials never train packed, whatever their specs (an instrument that reads each
    /// trial's own update, checkpoints), or null when trials whose specs pack (see
    /// <see cref="Packing.PackedTrials.CanPack(IReadOnlyList{Specs.TrialSpec})"/>) may train as one stacked model.
    /// </summary>
    string? PackingObstacle => "it does not implement packed training";

    /// <summary>
    /// Trains trials whose specs pack as one stacked model, each member writing its rows to its own context;
    /// one outcome per trial, in order. Only when <see cref="PackingObstacle"/> is null.
    /// </summary>
    IReadOnlyList<TrialOutcome> RunPacked(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) =>
        throw new NotSupportedException($"{Name} cannot train packed: {PackingObstacle}.");
}
