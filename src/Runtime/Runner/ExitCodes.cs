namespace Declarative.Runtime.Runner;

/// <summary>
/// The exit codes of the experiments command line, one per kind of outcome (docs/reliability.md).
/// Every error a user can cause ends in one message on standard error and one of these codes, never a stack trace.
/// </summary>
public static class ExitCodes
{
    /// <summary>Everything asked for ran (or was already finished) and the reports were rendered.</summary>
    public const int Success = 0;

    /// <summary>A bad command line: an unknown option, or a value that is not one the option accepts (named in the message).</summary>
    public const int Usage = 1;

    /// <summary>
    /// Something the user named or the machine provides cannot be used: an unknown experiment, a missing or corrupt
    /// store or data file, a folder that cannot be written, a full disk, an unavailable device. Nothing was lost.
    /// </summary>
    public const int Input = 2;

    /// <summary>The sweep ran, but some trials failed (their errors are stored; <c>--retry-failed</c> runs them again).</summary>
    public const int TrialsFailed = 3;

    /// <summary>Stopped by SIGINT or SIGTERM: running trials were stopped and put back, finished ones are kept.</summary>
    public const int Interrupted = 130;
}
