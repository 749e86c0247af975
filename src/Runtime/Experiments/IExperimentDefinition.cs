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
}
