namespace Declarative.Generators.Tests;

/// <summary>
/// Tests that run generated training loops: each trial seeds TorchSharp's process-wide random stream before
/// drawing its initial weights, and they compare weights or rows across runs, so they never run in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRandomStream
{
    public const string Name = "Global random stream";
}
