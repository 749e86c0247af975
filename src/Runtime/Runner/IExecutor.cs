using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Runner;

/// <summary>
/// Where a sweep's trials run once the runner has added them to the store: here in worker processes
/// (<see cref="LocalExecutor"/>) or as a Slurm job array (<see cref="SlurmExecutor"/>), whose tasks run the local
/// executor. Both work only through the store's claims, so either can resume what the other left.
/// </summary>
internal interface IExecutor
{
    /// <summary>Runs the unfinished trials, showing progress in <paramref name="view"/>; returns an <see cref="ExitCodes"/> value.</summary>
    int Run(IResultStore store, IReadOnlyList<IExperimentDefinition> experiments, RunOptions options, int total, IProgressView view);
}
