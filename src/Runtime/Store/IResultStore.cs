using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// Where experiments, trials and metric rows live. The embedded default is one SQLite file; a server
/// database can take its place behind this interface.
/// </summary>
/// <remarks>
/// Work distribution is expressed as claims with leases so that it maps onto a server database:
/// <see cref="Claim"/> is one atomic statement (SQLite: <c>UPDATE … WHERE id = (SELECT … LIMIT 1)
/// RETURNING</c> inside <c>BEGIN IMMEDIATE</c>; PostgreSQL: the same <c>UPDATE</c> with the
/// subquery's <c>FOR UPDATE SKIP LOCKED</c>); <see cref="Heartbeat"/>, <see cref="Complete(string, MetricSchema, TrialClaim, TrialOutcome, IReadOnlyList{IMetricRow}, double)"/>,
/// <see cref="Fail(TrialClaim, string, double)"/> and <see cref="Release"/> are single-row updates
/// guarded by <c>lease = $lease AND status = 'running'</c>.
/// </remarks>
public interface IResultStore : IDisposable
{
    /// <summary>Records the experiment and creates its metric table from the schema.</summary>
    void EnsureExperiment(IExperimentDefinition experiment);

    /// <summary>Adds the trials not yet known as pending; known trials keep their status and rows.</summary>
    void AddTrials(string experiment, Budget budget, IEnumerable<ITrial> trials);

    IReadOnlyList<TrialRecord> Trials(string experiment);

    /// <summary>One trial by id, or null.</summary>
    TrialRecord? Trial(string trialId);

    /// <summary>Marks a trial running without a lease (single-process use and tests).</summary>
    void MarkRunning(string trialId, string host);

    /// <summary>
    /// Atomically takes the first trial of <paramref name="experiment"/> at <paramref name="budget"/>
    /// that is pending, or running with a heartbeat older than <paramref name="staleAfter"/> (its
    /// runner is presumed dead): sets it running under a new lease and counts the attempt. Null
    /// when there is none. Two runners never get the same trial. With <paramref name="among"/>, only
    /// those trials are candidates (the runner fills a pack with the members of one group this way).
    /// </summary>
    TrialClaim? Claim(string experiment, Budget budget, string runner, string host, TimeSpan staleAfter, IReadOnlyCollection<string>? among = null);

    /// <summary>Refreshes the claim's heartbeat and progress; false when the claim was lost (the trial was taken over or finished).</summary>
    bool Heartbeat(TrialClaim claim, long step, long totalSteps, double? loss);

    /// <summary>Stores a trial's end (done or diverged) and its rows in one transaction, replacing rows of earlier attempts.</summary>
    void Complete(string experiment, MetricSchema schema, string trialId, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds);

    /// <summary>As the unguarded overload, but only while <paramref name="claim"/> still holds the trial; false (and nothing written) otherwise.</summary>
    bool Complete(string experiment, MetricSchema schema, TrialClaim claim, TrialOutcome outcome, IReadOnlyList<IMetricRow> rows, double seconds);

    void Fail(string trialId, string error, double seconds);

    /// <summary>Records the trial failed only while <paramref name="claim"/> still holds it running; false otherwise.</summary>
    bool Fail(TrialClaim claim, string error, double seconds);

    /// <summary>Puts a running trial back to pending (its runner is known dead) if the lease still matches.</summary>
    bool Release(string trialId, string lease, string reason);

    /// <summary>Puts the failed trials of an experiment at a budget back to pending (<c>--retry-failed</c>); returns how many.</summary>
    int ResetFailed(string experiment, Budget budget);

    /// <summary>
    /// Gives trial <paramref name="from"/> of <paramref name="experiment"/> (and its metric rows) the id <paramref name="to"/>, in one
    /// transaction, when <paramref name="from"/> exists and <paramref name="to"/> is absent or pending without rows; false otherwise.
    /// Used to migrate stores whose ids were computed by an earlier formula (<see cref="TrialIdMigration"/>).
    /// </summary>
    bool RenameTrial(string experiment, string from, string to);

    /// <summary>The running trials of an experiment at a budget, with their holder and progress.</summary>
    IReadOnlyList<RunningTrial> Running(string experiment, Budget budget);

    IReadOnlyList<MetricSample> Rows(string experiment, MetricSchema schema);

    /// <summary>Names of the experiments in the store.</summary>
    IReadOnlyList<string> Experiments();
}
