using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>
/// Ghost Batch Normalization (Hoffer et al. 2017): in training, the batch is split into consecutive
/// virtual batches of <see cref="VirtualBatchSize"/> examples (the last may be smaller) and each is
/// normalised with its own mean and variance; the running statistics, used in evaluation, are updated
/// once per virtual batch with the usual momentum. With a virtual batch at least as large as the batch
/// it is exactly batch normalization. Choose a batch size divisible by the virtual batch size: a
/// trailing virtual batch of one example cannot be normalised (batch norm refuses it) in the 1d case.
/// </summary>
public sealed class GhostBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> bn;

    public GhostBatchNorm(long features, int virtualBatchSize, bool spatial = false, double eps = 1e-5, double momentum = 0.1) : base(nameof(GhostBatchNorm))
    {
        if (virtualBatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(virtualBatchSize), virtualBatchSize, "The virtual batch size must be positive.");
        VirtualBatchSize = virtualBatchSize;
        bn = spatial ? nn.BatchNorm2d(features, eps, momentum) : nn.BatchNorm1d(features, eps, momentum);
        RegisterComponents();
    }

    public int VirtualBatchSize { get; }

    public override Tensor forward(Tensor input)
    {
        if (!training || input.shape[0] <= VirtualBatchSize) return bn.forward(input);
        var chunks = input.split(VirtualBatchSize, 0);
        var normalised = new Tensor[chunks.Length];
        try
        {
            for (var i = 0; i < chunks.Length; i++) normalised[i] = bn.forward(chunks[i]);
            return cat(normalised, 0);
        }
        finally
        {
            foreach (var c in chunks) c.Dispose();
            foreach (var n in normalised) n?.Dispose();
        }
    }
}
