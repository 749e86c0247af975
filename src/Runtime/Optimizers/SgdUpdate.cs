using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Optimizers;

/// <summary>
/// The SGD update, written once: <c>torch.optim.SGD</c>'s d = g + λθ; v ← d at the first step, else
/// v ← μv + (1 − dampening)·d; direction = d + μv (Nesterov) or v; θ ← θ − η·direction (θ + η·direction
/// when maximising). Parameters are stacked, [K, ...] (member k's slice is its own parameter), and every
/// member has its own learning rate, momentum, weight decay and Nesterov flag. With one member the
/// hyper-parameters are scalars: on the CPU one pass over each parameter, its gradient and its momentum buffer
/// (<see cref="SgdKernel"/>, the arithmetic of <see cref="FlatSgd"/>, which calls this), elsewhere TorchSharp's
/// <c>add_(d, alpha)</c>; with K &gt; 1 they are [K, 1, ...] tensors broadcast over each member's slice (<c>addcmul_</c>).
/// </summary>
public sealed class SgdUpdate : IDisposable
{
    private readonly IReadOnlyList<Tensor> _parameters;
    private readonly SgdMember[] _members;
    private readonly double _dampening;
    private readonly bool _maximize;
    private readonly Tensor?[] _buffers;
    private readonly double[] _learningRates;
    private readonly Tensor? _learningRate;
    private readonly Tensor? _momentum;
    private readonly Tensor? _weightDecay;
    private readonly Tensor? _nesterov;

    /// <param name="parameters">Stacked parameters, members along dimension 0.</param>
    /// <param name="members">Each member's hyper-parameters, in member order.</param>
    /// <param name="dampening">Momentum dampening (one member only; 0 for packs).</param>
    /// <param name="maximize">Ascend instead of descend (one member only).</param>
    public SgdUpdate(IReadOnlyList<Tensor> parameters, IReadOnlyList<SgdMember> members, double dampening = 0, bool maximize = false)
    {
        if (parameters.Count == 0) throw new ArgumentException("No parameters.", nameof(parameters));
        var k = parameters[0].shape[0];
        if (members.Count != k) throw new ArgumentException($"{members.Count} members' settings for {k} members.", nameof(members));
        if (members.Any(m => m.Nesterov && (m.Momentum <= 0 || dampening != 0))) throw new ArgumentException("Nesterov momentum needs a positive momentum and no dampening.", nameof(members));
        if (k > 1 && (dampening != 0 || maximize)) throw new ArgumentException("Dampening and maximisation are supported for one member only.", nameof(members));
        _parameters = parameters;
        _members = members.ToArray();
        _dampening = dampening;
        _maximize = maximize;
        _buffers = new Tensor?[parameters.Count];
        _learningRates = Enumerable.Repeat(double.NaN, (int)k).ToArray();
        if (k == 1) return;
        var dtype = parameters[0].dtype;
        var device = parameters[0].device;
        Tensor PerMember(Func<SgdMember, double> f) => tensor(members.Select(f).ToArray(), dtype: ScalarType.Float64).to(dtype, device).view(k, 1, 1).DetachFromDisposeScope();
        _learningRate = PerMember(_ => 0);
        if (members.Any(m => m.Momentum != 0)) _momentum = PerMember(m => m.Momentum);
        if (members.Any(m => m.WeightDecay != 0)) _weightDecay = PerMember(m => m.WeightDecay);
        if (members.Any(m => m.Nesterov)) _nesterov = tensor(members.Select(m => m.Nesterov).ToArray(), device: device).view(k, 1, 1).DetachFromDisposeScope();
    }

    /// <summary>The number of members K.</summary>
    public int Members => _members.Length;

    /// <summary>Parameter i's momentum buffer v (null before the first step, and without momentum): the stacked engine accumulates into it when it fuses the momentum update into its products.</summary>
    internal Tensor? MomentumBuffer(int parameter) => _buffers[parameter];

    /// <summary>
    /// Updates every parameter from its gradient (in parameter order; null skips one) with each member's learning rate.
    /// With <paramref name="norms"/>, returns each member's ‖g‖² and ‖θ_{t+1} − θ_t‖² = η²‖direction‖² (float64 [K] on the
    /// parameters' device, in the caller's dispose scope; for plain SGD the direction is the gradient, and its norm is computed
    /// once); nulls otherwise.
    /// </summary>
    public (Tensor? Gradient, Tensor? Update) Step(IReadOnlyList<Tensor?> gradients, IReadOnlyList<double> learningRates, bool norms = false)
    {
        if (gradients.Count != _parameters.Count) throw new ArgumentException($"{gradients.Count} gradients for {_parameters.Count} parameters.", nameof(gradients));
        if (learningRates.Count != _members.Length) throw new ArgumentException($"{learningRates.Count} learning rates for {_members.Length} members.", nameof(learningRates));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = _parameters[0].device;
        double[] gradient, update;
        if (_members.Length == 1)
        {
            var (g, d) = StepOne(gradients, learningRates[0], norms);
            (gradient, update) = ([g], [d * learningRates[0] * learningRates[0]]);
        }
        else
        {
            var directions = norms ? new Tensor?[gradients.Count] : null;
            StepStacked(gradients, learningRates, directions);
            if (directions is null) return (null, null);
            gradient = SquaredNorms(gradients, _members.Length);
            var plain = directions.Select((d, i) => ReferenceEquals(d, gradients[i])).All(same => same);
            update = plain ? (double[])gradient.Clone() : SquaredNorms(directions, _members.Length);
            for (var m = 0; m < update.Length; m++) update[m] *= learningRates[m] * learningRates[m];
        }
        if (!norms) return (null, null);
        return (tensor(gradient, dtype: ScalarType.Float64, device: device).MoveToOuterDisposeScope(), tensor(update, dtype: ScalarType.Float64, device: device).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Each member's squared norm over all <paramref name="tensors"/> (stacked, members along dimension 0; null skipped), in
    /// float64: one pass over each member's slice, no temporary (<see cref="Torch.CpuReductions"/>).
    /// </summary>
    public static double[] SquaredNorms(IReadOnlyList<Tensor?> tensors, int members)
    {
        var sums = new double[members];
        var any = false;
        foreach (var t in tensors)
        {
            if (t is null) continue;
            any = true;
            if (members == 1)
            {
                sums[0] += Torch.CpuReductions.SquaredNorm(t);
                continue;
            }
            for (var m = 0; m < members; m++)
            {
                using var row = t[m];
                sums[m] += Torch.CpuReductions.SquaredNorm(row);
            }
        }
        return any ? sums : throw new ArgumentException("No tensors.", nameof(tensors));
    }

    /// <summary>One member's step, parameter by parameter: one pass each on the CPU (<see cref="SgdKernel"/>), else TorchSharp's kernels; returns (‖g‖², ‖direction‖²) when <paramref name="norms"/>.</summary>
    private (double Gradient, double Direction) StepOne(IReadOnlyList<Tensor?> gradients, double lr, bool norms)
    {
        var (momentum, weightDecay, nesterov) = (_members[0].Momentum, _members[0].WeightDecay, _members[0].Nesterov);
        var step = _maximize ? lr : -lr;
        var (gradientSum, directionSum) = (0.0, 0.0);
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var g = gradients[i];
            if (g is null) continue;
            if (SgdKernel.Applies(p, g, _buffers[i]))
            {
                var first = momentum != 0 && _buffers[i] is null;
                if (first) _buffers[i] = empty_like(p).DetachFromDisposeScope();
                var (gs, ds) = SgdKernel.Step(p, g, momentum != 0 ? _buffers[i] : null, first, step, momentum, _dampening, weightDecay, nesterov, norms);
                gradientSum += gs;
                directionSum += ds;
                continue;
            }
            var d = g;
            if (weightDecay != 0) d = d.add(p, alpha: weightDecay);
            if (momentum != 0)
            {
                if (_buffers[i] is null) _buffers[i] = d.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(momentum).add_(d, alpha: 1 - _dampening);
                d = nesterov ? d.add(_buffers[i]!, alpha: momentum) : _buffers[i]!;
            }
            p.add_(d, alpha: step);
            if (!norms) continue;
            var gradient = Torch.CpuReductions.SquaredNorm(g);
            gradientSum += gradient;
            directionSum += ReferenceEquals(d, g) ? gradient : Torch.CpuReductions.SquaredNorm(d);
        }
        return (gradientSum, directionSum);
    }

    private void StepStacked(IReadOnlyList<Tensor?> gradients, IReadOnlyList<double> learningRates, Tensor?[]? directions)
    {
        if (!learningRates.SequenceEqual(_learningRates))
        {
            using var values = tensor(learningRates.ToArray(), dtype: ScalarType.Float64);
            using var cast = values.to(_learningRate!.dtype, _learningRate.device).view(_learningRate.shape);
            _learningRate.copy_(cast);
            for (var m = 0; m < _learningRates.Length; m++) _learningRates[m] = learningRates[m];
        }
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            var d = gradients[i];
            if (d is null) continue;
            var shape = Shape(p);
            var (lr, mu, wd) = (_learningRate!.view(shape), _momentum?.view(shape), _weightDecay?.view(shape));
            if (wd is not null) d = d.addcmul(p, wd, value: 1);
            if (mu is not null)
            {
                if (_buffers[i] is null) _buffers[i] = d.clone().DetachFromDisposeScope();
                else _buffers[i]!.mul_(mu).add_(d);
                var v = _buffers[i]!;
                d = _nesterov is null ? v : where(_nesterov.view(shape), d.addcmul(v, mu, value: 1), v);
            }
            if (directions is not null) directions[i] = d;
            p.addcmul_(d, lr, value: -1);
        }
    }

    private static long[] Shape(Tensor p) => [p.shape[0], .. Enumerable.Repeat(1L, (int)p.dim() - 1)];

    public void Dispose()
    {
        _learningRate?.Dispose();
        _momentum?.Dispose();
        _weightDecay?.Dispose();
        _nesterov?.Dispose();
        foreach (var b in _buffers) b?.Dispose();
    }
}
