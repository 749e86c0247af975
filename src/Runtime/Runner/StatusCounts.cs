using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Runner;

/// <summary>How many trials of a sweep are in each state, counted the same way by every executor's progress.</summary>
internal struct StatusCounts
{
    public int Done;
    public int Diverged;
    public int Failed;
    public int Left;

    public void Add(TrialStatus status)
    {
        switch (status)
        {
            case TrialStatus.Done: Done++; break;
            case TrialStatus.Diverged: Diverged++; break;
            case TrialStatus.Failed: Failed++; break;
            case TrialStatus.Pending: Left++; break;
        }
    }
}
