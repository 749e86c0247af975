namespace Declarative.Runtime.Experiments;

public enum TrialStatus
{
    Pending,
    Running,
    Done,
    Failed,
    Diverged,
}
