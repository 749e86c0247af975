using Declarative.Runtime.Data;
using TorchSharp;

namespace Declarative.Runtime.Experiments;

/// <summary>What a generated training loop needs from the runner: device, data, where rows go.</summary>
public sealed class TrialContext
{
    public TrialContext(torch.Device device, DataCatalog data, IMetricSink sink)
    {
        Device = device;
        Data = data;
        Sink = sink;
    }

    public torch.Device Device { get; }
    public DataCatalog Data { get; }
    public IMetricSink Sink { get; }

    /// <summary>Called after every optimizer step with (step, total steps); cheap, no tensor read-back.</summary>
    public Action<long, long>? OnStep { get; init; }

    public CancellationToken Cancellation { get; init; }

    /// <summary>
    /// Where the trial keeps its weights, or null when the run was not asked to keep them. The
    /// generated loop calls <c>context.Weights?.Save(model, "initial", 0)</c> before the first step,
    /// <c>Save(model, TrialWeights.Checkpoint(step), step)</c> at declared checkpoints and
    /// <c>Save(model, "final", step)</c> at the end (also when the trial diverged).
    /// </summary>
    public Weights.TrialWeights? Weights { get; init; }
}
