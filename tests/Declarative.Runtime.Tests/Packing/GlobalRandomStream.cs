namespace Declarative.Runtime.Tests.Packing;

/// <summary>
/// Tests that seed TorchSharp's process-wide random stream and then compare initial weights bit for bit:
/// they run alone (not in parallel with other test classes, which also seed and draw from that stream).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomStream
{
    public const string Name = "Global random stream";
}
