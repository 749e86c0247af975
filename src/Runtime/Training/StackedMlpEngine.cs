using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// K ReLU MLPs of one shape (no normalisation) on the mean cross-entropy, trained with the SGD family (momentum,
/// Nesterov, weight decay; each member its own) by a forward and backward written out once, by hand, over stacked
/// weights: layer l holds the members' weights as [K, out, in] and biases as [K, out]. No autograd graph.
/// <para>
/// Forward: <c>H_l = relu(b_l + H_{l−1} W_lᵀ)</c>, logits <c>Z</c>; loss <c>log_softmax</c> + <c>nll_loss</c>. Backward:
/// <c>G = (softmax(Z) − onehot(y)) / B</c>, then per layer <c>∇W_l = G_lᵀ H_{l−1}</c>, <c>∇b_l = G_lᵀ 1</c>,
/// <c>G_{l−1} = (G_l W_l) ⊙ 1[H_{l−1} &gt; 0]</c>; then <see cref="SgdUpdate"/>. Each product runs on one of two kernels:
/// with one member, <c>addmm_</c>/<c>addmv_</c> into buffers allocated once per batch size, and when the member is plain
/// SGD that nobody observes before its update, the update fused into the weight-gradient products
/// (<c>W.addmm_(Gᵀ, H, β = 1, α = −η)</c>: no gradient is written); with K &gt; 1, batched products (<c>bmm</c>), one
/// call for all members. Members never interact: the gradient for member k's slice is the gradient of its own loss.
/// </para>
/// <para>
/// With one member, the stacked tensors are views of the member's own parameters and of their <c>.grad</c> (so the
/// member's model is live and instruments that read gradients before the update see them); with K &gt; 1 the engine
/// owns the stacked weights and copies member k's into its model when <see cref="Model"/> is asked for it.
/// </para>
/// </summary>
public sealed class StackedMlpEngine : ITrainingEngine
{
    /// <summary>Steps between checks that a one-member engine's views are still its model's parameters.</summary>
    public const int VerifyEvery = 64;

    private readonly Mlp[] _members;
    private readonly SgdMember[] _settings;
    private readonly Tensor[] _weights;
    private readonly Tensor[] _biases;
    private readonly Tensor[] _parameters;
    private readonly One? _one;
    private readonly SgdUpdate _update;
    private readonly Dictionary<int, Buffers> _buffers = [];
    private readonly long[] _copied;
    private long _steps;

    private StackedMlpEngine(Mlp[] members, SgdMember[] settings)
    {
        _members = members;
        _settings = settings;
        var depth = members[0].Layers.Count;
        _weights = new Tensor[depth];
        _biases = new Tensor[depth];
        using var noGrad = no_grad();
        for (var l = 0; l < depth; l++)
        {
            using var scope = NewDisposeScope();
            if (members.Length == 1)
            {
                _weights[l] = members[0].Layers[l].weight!.detach().unsqueeze(0).MoveToOuterDisposeScope();
                _biases[l] = members[0].Layers[l].bias!.detach().unsqueeze(0).MoveToOuterDisposeScope();
            }
            else
            {
                _weights[l] = stack(members.Select(m => m.Layers[l].weight!.detach()).ToArray()).contiguous().MoveToOuterDisposeScope();
                _biases[l] = stack(members.Select(m => m.Layers[l].bias!.detach()).ToArray()).contiguous().MoveToOuterDisposeScope();
            }
        }
        _parameters = _weights.Zip(_biases, (w, b) => new[] { w, b }).SelectMany(p => p).ToArray();
        if (members.Length == 1) _one = new One(members[0]);
        _update = new SgdUpdate(_parameters, settings);
        _copied = new long[members.Length];
    }

    /// <summary>Whether this engine can train <paramref name="model"/> on <paramref name="data"/>; otherwise why not.</summary>
    public static bool Supports(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, out string why)
    {
        why = model switch
        {
            not Mlp => $"the model is a {model.GetType().Name}, not an MLP",
            Mlp { IsNormalized: true } => "the MLP has (ghost) batch norm",
            _ when data.IsRegression => "the task is a regression (squared error)",
            Mlp m when m.parameters().Any(p => !p.requires_grad) => "some parameters are frozen",
            Mlp m when m.parameters().Select(p => (p.dtype, p.device_type)).Distinct().Count() != 1 => "the parameters differ in dtype or device",
            _ => "",
        };
        return why.Length == 0;
    }

    /// <summary>
    /// Trains <paramref name="members"/> (MLPs of one shape, each keeping its initial weights) with each member's SGD
    /// settings. With one member the engine works on the member's own parameters; with more it stacks copies.
    /// </summary>
    public static StackedMlpEngine Create(IReadOnlyList<Mlp> members, IReadOnlyList<SgdMember> settings)
    {
        if (members.Count == 0) throw new ArgumentException("An engine trains at least one member.", nameof(members));
        if (settings.Count != members.Count) throw new ArgumentException($"{settings.Count} SGD settings for {members.Count} members.", nameof(settings));
        if (members.Any(m => m.IsNormalized)) throw new ArgumentException("The stacked MLP engine does not support batch norm.", nameof(members));
        var shape = Shape(members[0]);
        if (members.Any(m => !Shape(m).SequenceEqual(shape))) throw new ArgumentException("Stacked MLPs must all have the same layer sizes.", nameof(members));
        if (members.SelectMany(m => m.parameters()).Select(p => (p.dtype, p.device_type, p.device_index)).Distinct().Count() != 1)
            throw new ArgumentException("Stacked MLPs need every parameter on one device with one dtype.", nameof(members));
        return new StackedMlpEngine(members.ToArray(), settings.ToArray());
    }

    private static long[] Shape(Mlp m) => m.Layers.SelectMany(l => l.weight!.shape).ToArray();

    public int Members => _members.Length;
    public EngineKind Kind => EngineKind.StackedMlp;

    /// <summary>Layer l's stacked weights, [K, out, in] (member k's slice is its Linear weight).</summary>
    public IReadOnlyList<Tensor> Weights => _weights;

    /// <summary>Layer l's stacked biases, [K, out].</summary>
    public IReadOnlyList<Tensor> Biases => _biases;

    public nn.Module<Tensor, Tensor> Model(int member)
    {
        var model = _members[member];
        if (_members.Length == 1 || _copied[member] == _steps) return model;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var l = 0; l < _weights.Length; l++)
        {
            model.Layers[l].weight!.copy_(_weights[l][member]);
            model.Layers[l].bias!.copy_(_biases[l][member]);
        }
        _copied[member] = _steps;
        return model;
    }

    public EngineStep Step(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<double> learningRates, Action<int>? beforeUpdate)
    {
        var k = _members.Length;
        if (beforeUpdate is not null && k > 1)
            throw new InvalidOperationException("The stacked MLP engine exposes gradients before the update for one member only; TrainingEngines never packs trials that observe their update.");
        if (k == 1 && _steps % VerifyEvery == 0) Verify();
        _steps++;
        using var noGrad = no_grad();
        var b = batchSize;
        var depth = _weights.Length;
        // Plain SGD that nobody observes before the update: the update is fused into the backward pass (float32: addmm's α is single precision).
        var fuse = k == 1 && beforeUpdate is null && _settings[0].IsPlain && _weights[0].dtype == ScalarType.Float32;
        var lr = learningRates[0];
        var buffers = k == 1 ? BuffersFor(b) : null;
        var gradients = _one?.Gradients ?? new Tensor[_parameters.Length];

        // Forward. Activations are [B, out] (one member) or [K, B, out].
        var x = inputs.dim() > 2 ? inputs.flatten(1) : inputs;
        if (k > 1) x = x.view(k, b, -1);
        var activations = new Tensor[depth];
        var previous = x;
        for (var l = 0; l < depth; l++)
        {
            var h = Affine(previous, l, buffers);
            if (l < depth - 1) h.relu_();
            activations[l] = previous = h;
        }
        var logits = activations[^1];

        // Loss and G = ∂L/∂Z.
        var logProbabilities = logits.log_softmax(-1);
        var losses = k == 1
            ? nn.functional.nll_loss(logProbabilities, labels).unsqueeze(0)
            : nn.functional.nll_loss(logProbabilities.view(k * b, -1), labels, reduction: nn.Reduction.None).view(k, b).mean([1]);
        var g = logProbabilities.exp_();                                                     // softmax(Z)
        var at = k == 1 ? labels.unsqueeze(1) : labels.view(k, b, 1);
        g.scatter_add_(-1, at, buffers?.MinusOne ?? full([k, b, 1], -1.0, dtype: g.dtype, device: g.device)); // − onehot(y)
        g.mul_(1.0 / b);                                                                     // addmm's α is single precision: scale here

        // Backward, layer by layer from the read-out.
        for (var l = depth - 1; l >= 0; l--)
        {
            var input = l == 0 ? x : activations[l - 1];
            var upstream = l > 0 ? Upstream(g, l, buffers) : null;                           // with W_l before its update
            if (fuse) FusedUpdate(g, input, l, lr, buffers!);
            else WeightGradients(g, input, l, buffers, gradients);
            if (upstream is null) break;
            upstream.mul_(activations[l - 1].sign_());                                       // after ReLU, sign(H) is the ReLU's derivative
            g = upstream;
        }

        if (!fuse)
        {
            beforeUpdate?.Invoke(0);
            _update.Step(gradients, learningRates);
        }
        return new EngineStep(losses, k == 1 ? logits.unsqueeze(0) : logits);
    }

    /// <summary><c>b_l + X W_lᵀ</c>: one member into its buffer (bias copy, <c>addmm_</c>), K members by <c>bmm</c>.</summary>
    private Tensor Affine(Tensor x, int l, Buffers? buffers)
    {
        if (buffers is not null)
        {
            var output = buffers.Activations[l];
            output.copy_(_one!.Biases[l]);
            return output.addmm_(x, _one.WeightsT[l]);
        }
        var h = x.bmm(_weights[l].transpose(1, 2)); // not baddbmm: TorchSharp 0.107 passes its operands to the native call in the wrong order
        return h.add_(_biases[l].unsqueeze(1));
    }

    /// <summary><c>G W_l</c>, the gradient with respect to the layer's input.</summary>
    private Tensor Upstream(Tensor g, int l, Buffers? buffers) =>
        buffers is not null ? buffers.Gradients[l - 1].addmm_(g, _one!.Weights[l], beta: 0) : g.bmm(_weights[l]);

    /// <summary><c>∇W_l = Gᵀ H</c> and <c>∇b_l = Gᵀ 1</c>: one member into its parameters' <c>.grad</c>, K members as new tensors.</summary>
    private void WeightGradients(Tensor g, Tensor input, int l, Buffers? buffers, Tensor[] gradients)
    {
        if (buffers is not null)
        {
            var gt = g.t();
            _one!.WeightGrads[l].addmm_(gt, input, beta: 0);
            _one.BiasGrads[l].addmv_(gt, buffers.Ones, beta: 0);
            return;
        }
        gradients[2 * l] = g.transpose(1, 2).bmm(input);
        gradients[2 * l + 1] = g.sum(1);
    }

    /// <summary>θ ← θ − η ∇θ for one plain-SGD member, fused into the weight-gradient products.</summary>
    private void FusedUpdate(Tensor g, Tensor input, int l, double lr, Buffers buffers)
    {
        var gt = g.t();
        _one!.Weights[l].addmm_(gt, input, beta: 1, alpha: (float)-lr);
        _one.Biases[l].addmv_(gt, buffers.Ones, beta: 1, alpha: (float)-lr);
    }

    private Buffers BuffersFor(int batch)
    {
        if (!_buffers.TryGetValue(batch, out var b)) _buffers[batch] = b = new Buffers(batch, _weights);
        return b;
    }

    /// <summary>Throws when a one-member engine's views are no longer its model's parameters and gradients.</summary>
    public void Verify()
    {
        if (_one is not { } one) return;
        var layers = _members[0].Layers;
        for (var l = 0; l < layers.Count; l++)
        {
            Check(layers[l].weight!, one.Weights[l], one.WeightGrads[l]);
            Check(layers[l].bias!, one.Biases[l], one.BiasGrads[l]);
        }

        static void Check(TorchSharp.Modules.Parameter p, Tensor data, Tensor grad)
        {
            using var current = p.grad;
            if (!Torch.TensorStorage.SameView(p, data) || current is null || !Torch.TensorStorage.SameView(current, grad))
                throw new InvalidOperationException(
                    "A parameter of the MLP or its .grad was replaced after the engine was built (e.g. by moving the model or assigning .grad): build the engine after the model is final.");
        }
    }

    private static Tensor GradientOf(TorchSharp.Modules.Parameter p)
    {
        var grad = p.grad;
        if (grad is null)
        {
            p.grad = zeros_like(p).DetachFromDisposeScope();
            grad = p.grad!;
        }
        return grad;
    }

    /// <summary>The members' models belong to whoever built them.</summary>
    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
        _update.Dispose();
        _one?.Dispose();
        foreach (var t in _weights.Concat(_biases)) t.Dispose();
    }

    /// <summary>A one-member engine's 2-D views of its model's parameters and gradients (the kernels' operands).</summary>
    private sealed class One : IDisposable
    {
        public One(Mlp model)
        {
            var layers = model.Layers;
            Weights = layers.Select(l => l.weight!.detach().DetachFromDisposeScope()).ToArray();
            WeightsT = Weights.Select(w => w.t().DetachFromDisposeScope()).ToArray();
            Biases = layers.Select(l => l.bias!.detach().DetachFromDisposeScope()).ToArray();
            WeightGrads = layers.Select(l => GradientOf(l.weight!).DetachFromDisposeScope()).ToArray();
            BiasGrads = layers.Select(l => GradientOf(l.bias!).DetachFromDisposeScope()).ToArray();
            Gradients = WeightGrads.Zip(BiasGrads, (w, b) => new[] { w, b }).SelectMany(p => p).Select(t => t.unsqueeze(0).DetachFromDisposeScope()).ToArray();
        }

        public Tensor[] Weights { get; }
        public Tensor[] WeightsT { get; }
        public Tensor[] Biases { get; }
        public Tensor[] WeightGrads { get; }
        public Tensor[] BiasGrads { get; }

        /// <summary>The gradients as [1, ...] views, in the order of the stacked parameters (for <see cref="SgdUpdate"/>).</summary>
        public Tensor[] Gradients { get; }

        public void Dispose()
        {
            foreach (var t in Weights.Concat(WeightsT).Concat(Biases).Concat(WeightGrads).Concat(BiasGrads).Concat(Gradients)) t.Dispose();
        }
    }

    /// <summary>One member's activations (the logits last), upstream gradients and constants for one batch size.</summary>
    private sealed class Buffers : IDisposable
    {
        public Buffers(int batch, Tensor[] weights)
        {
            var dtype = weights[0].dtype;
            var device = weights[0].device;
            Activations = weights.Select(w => empty([batch, w.shape[1]], dtype: dtype, device: device).DetachFromDisposeScope()).ToArray();
            Gradients = weights.Take(weights.Length - 1).Select(w => empty([batch, w.shape[1]], dtype: dtype, device: device).DetachFromDisposeScope()).ToArray();
            Ones = ones([batch], dtype: dtype, device: device).DetachFromDisposeScope();
            MinusOne = full([batch, 1], -1.0, dtype: dtype, device: device).DetachFromDisposeScope();
        }

        public Tensor[] Activations { get; }
        public Tensor[] Gradients { get; }
        public Tensor Ones { get; }
        public Tensor MinusOne { get; }

        public void Dispose()
        {
            foreach (var t in Activations.Concat(Gradients)) t.Dispose();
            Ones.Dispose();
            MinusOne.Dispose();
        }
    }
}
