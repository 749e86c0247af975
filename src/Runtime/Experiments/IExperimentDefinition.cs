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

    /// <summary>
    /// How these trials (those of a budget, or of one round of an adaptive sweep) train: in groups (a single trial is a
    /// group of one), each on one engine, with the reason. A function of the declaration and the trials alone, never of
    /// <c>--parallel</c> or the executor (the runner claims and trains whole groups).
    /// </summary>
    IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials);

    /// <summary>
    /// Trains one group of <see cref="Plan"/> (or any single trial), member k writing its rows to <paramref name="contexts"/>[k];
    /// one outcome per trial, in order.
    /// </summary>
    IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts);
}
