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
    bool RetryFailed);
