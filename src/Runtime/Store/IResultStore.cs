using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// Where experiments, trials and metric rows live. The embedded default is one SQLite file; a server
/// database can take its place behind this interface.
/// </summary>
public interface IResultStore : IDisposable
{
    /// <summary>Records the experiment and creates its metric table from the schema.</summary>
    void EnsureExperiment(IExperimentDefinition experiment);

    /// <summary>Adds the trials not yet known as pending; known trials keep their status and rows.</summary>
    void AddTrials(string experiment, Budget budget, IEnumerable<ITrial> trials);

    IReadOnlyList<TrialRecord> Trials(string experiment);

    void MarkRunning(string trialId, string host);

    /// <summary>Stores a trial's end (done or diverged) and its rows in one transaction, replacing rows of earlier attempts.</summary>
    void Complete(string experiment, MetricSchema schema, string trialId, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds);

    void Fail(string trialId, string error, double seconds);

    IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema);

    /// <summary>Names of the experiments in the store.</summary>
    IReadOnlyList<string> Experiments();
}
