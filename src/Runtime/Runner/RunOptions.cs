using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Runner;

public sealed record RunOptions(
    IReadOnlyList<string> Filter,
    Budget Budget,
    string StorePath,
    string ReportFolder,
    string? DataFolder,
    string Device,
    int Threads,
    bool RetryFailed)
{
    /// <summary>Worker processes at once; the CPU threads are divided between them unless <see cref="Threads"/> is given.</summary>
    public int Parallel { get; init; } = 1;

    /// <summary>A trial's worker is killed and the trial failed after this long; null for no limit.</summary>
    public TimeSpan? TrialTimeout { get; init; }

    /// <summary>A running trial whose heartbeat is older than this is presumed abandoned and is run again.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker refreshes its heartbeat and progress in the store.</summary>
    public TimeSpan HeartbeatEvery { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Where trials keep their initial and final weights (<c>{folder}/{experiment}/{trial id}/</c>); null to keep none.</summary>
    public string? WeightsFolder { get; init; }

    /// <summary>Live terminal view (true), line-by-line (false), or decide from <see cref="Console.IsOutputRedirected"/> (null).</summary>
    public bool? Live { get; init; }

    /// <summary>How often the loop reaps workers and tries to claim; array tasks poll a shared server, so they use a longer period.</summary>
    public TimeSpan PollEvery { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Run the trials as a Slurm job array instead of local workers; null to run them here.</summary>
    public SlurmOptions? Slurm { get; init; }

    /// <summary>
    /// Train trials that can share one stacked model (same MLP shape and batch size; seeds, learning rates,
    /// momentum and weight decay per member) together in one worker (<c>--no-pack</c> turns it off).
    /// </summary>
    public bool Pack { get; init; } = true;

    /// <summary>
    /// Intra-op threads each worker gives TorchSharp: <see cref="Threads"/> when given, else 1, never derived from
    /// <see cref="Parallel"/> or the executor. A trial's numbers depend on its thread count (a matrix product split over two
    /// threads sums in another order: 0.66862464 against 0.66862088 after one epoch of the benchmark MLP), and SGD carries
    /// such differences forward, so a default that followed <c>--parallel</c> would make the numbers depend on how the
    /// sweep was scheduled. The count is recorded in each trial's provenance.
    /// </summary>
    public int ThreadsPerWorker => Threads > 0 ? Threads : 1;
}
