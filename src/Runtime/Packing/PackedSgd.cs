using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Packing;

/// <summary>
/// SGD with optional heavy-ball or Nesterov momentum and L2 weight decay for stacked parameters
/// ([K, ...]: member k's slice is its own parameter), each member with its own learning rate, momentum,
/// weight decay and Nesterov flag, updated for all K members by a few tensor operations per parameter
/// tensor. Follows torch.optim.SGD (dampening 0): d = g + λθ; v ← d at the first step, else v ← μv + d;
/// direction = d + μv (Nesterov) or v; θ ← θ − η · direction.
/// </summary>
public sealed class PackedSgd : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly Tensor _learningRate;
    private readonly Tensor? _momentum;
    private readonly Tensor? _weightDecay;
    private readonly Tensor? _nesterov;
    private readonly Tensor?[] _buffers;

    /// <param name="parameters">Stacked parameters, members along dimension 0.</param>
    /// <param name="members">Each member's hyper-parameters, in member order.</param>
    public PackedSgd(IReadOnlyList<Tensor> parameters, IReadOnlyList<PackedSgdMember> members)
    {
        if (parameters.Count == 0) throw new ArgumentException("No parameters.", nameof(parameters));
        var k = parameters[0].shape[0];
        if (members.Count != k) throw new ArgumentException($"{members.Count} members' settings for {k} members.", nameof(members));
        if (members.Any(m => m.Nesterov && m.Momentum <= 0)) throw new ArgumentException("Nesterov momentum needs a positive momentum.", nameof(members));
        _parameters = parameters;
        var dtype = parameters[0].dtype;
        var device = parameters[0].device;
        Tensor PerMember(Func<PackedSgdMember, double> f) => tensor(members.Select(f).ToArray(), dtype: ScalarType.Float64).to(dtype, device).view(k, 1, 1);
        _learningRate = PerMember(m => m.LearningRate);
        if (members.Any(m => m.Momentum != 0)) _momentum = PerMember(m => m.Momentum);
        if (members.Any(m => m.WeightDecay != 0)) _weightDecay = PerMember(m => m.WeightDecay);
        if (members.Any(m => m.Nesterov)) _nesterov = tensor(members.Select(m => m.Nesterov).ToArray(), device: device).view(k, 1, 1);
        _buffers = new Tensor?[parameters.Count];
    }

    /// <summary>Sets every member's learning rate (for schedules), in member order.</summary>
    public void SetLearningRates(IReadOnlyList<double> learningRates)
    {
        using var noGrad = no_grad();
        using var values = tensor(learningRates.ToArray(), dtype: ScalarType.Float64);
        using var cast = values.to(_learningRate.dtype, _learningRate.device).view(_learningRate.shape);
        _learningRate.copy_(cast);
    }

    /// <summary>Updates every parameter from the given gradients (in parameter order; null skips one).</summary>
    public void Step(IReadOnlyList<Tensor?> gradients)
    {
        if (gradients.Count != _parameters.Count) throw new ArgumentException($"{gradients.Count} gradients for {_parameters.Count} parameters.", nameof(gradients));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var d = gradients[i];
            if (d is null) continue;
            var (lr, mu, wd) = Broadcast(p);
            if (wd is not null) d = d.addcmul(p, wd, value: 1);
            if (mu is not null)
            {
                if (_buffers[i] is null) _buffers[i] = d.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(mu).add_(d);
                var v = _buffers[i]!;
                d = _nesterov is null ? v : where(_nesterov.view(Shape(p)), d.addcmul(v, mu, value: 1), v);
            }
            p.addcmul_(d, lr, value: -1);
        }
    }

    private (Tensor Lr, Tensor? Mu, Tensor? Wd) Broadcast(Tensor p)
    {
        if (p.dim() == 3) return (_learningRate, _momentum, _weightDecay);
        var shape = Shape(p);
        return (_learningRate.view(shape), _momentum?.view(shape), _weightDecay?.view(shape));
    }

    private static long[] Shape(Tensor p) => [p.shape[0], .. Enumerable.Repeat(1L, (int)p.dim() - 1)];

    public void Dispose()
    {
        _learningRate.Dispose();
        _momentum?.Dispose();
        _weightDecay?.Dispose();
        _nesterov?.Dispose();
        foreach (var b in _buffers) b?.Dispose();
    }
}

/// <summary>One member's SGD hyper-parameters.</summary>
public sealed record PackedSgdMember(double LearningRate, double Momentum = 0, double WeightDecay = 0, bool Nesterov = false);
