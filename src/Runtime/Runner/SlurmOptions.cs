namespace Declarative.Runtime.Runner;

/// <summary>
/// How <c>run --executor slurm</c> submits the sweep: one job array of <see cref="ArrayTasks"/> tasks,
/// each running the experiments executable's <c>drain</c> command with <see cref="WorkersPerTask"/>
/// worker processes on <see cref="CpusPerTask"/> CPUs.
/// </summary>
public sealed record SlurmOptions(int ArrayTasks, int CpusPerTask)
{
    /// <summary>sbatch --partition; null for the cluster's default.</summary>
    public string? Partition { get; init; }

    /// <summary>sbatch --time (e.g. 02:00:00) per array task; null for the partition's default.</summary>
    public string? TimeLimit { get; init; }

    /// <summary>More sbatch options, passed before the script (they win over the script's #SBATCH lines).</summary>
    public string? ExtraArguments { get; init; }

    /// <summary>Folder for the batch script and each task's output (<c>%A_%a.out</c>); must be writable from the nodes.</summary>
    public string LogFolder { get; init; } = Path.Combine("artifacts", "slurm");

    /// <summary>Trial workers each array task runs at once (<c>drain --parallel</c>; the command line's default is <see cref="CpusPerTask"/>, one thread each).</summary>
    public int WorkersPerTask { get; init; } = 1;

    /// <summary>The sbatch and squeue commands (tests and sites with wrappers may replace them).</summary>
    public string Sbatch { get; init; } = "sbatch";
    public string Squeue { get; init; } = "squeue";
}
