using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

public static class Seeding
{
    /// <summary>Seeds the global random stream (model initialisation) for a trial.</summary>
    public static void ForTrial(int seed) => manual_seed(seed);
}
