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
}
