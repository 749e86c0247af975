using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// K ReLU MLPs of one shape (plain, or with batch norm after each hidden layer) on the mean cross-entropy, trained with
/// the SGD family (momentum, Nesterov, weight decay; each member its own) by a forward and backward written out once, by
/// hand, over stacked weights: layer l holds the members' weights as [K, out, in] and biases as [K, out] (batch norm's
/// scale γ and shift β as [K, out]). No autograd graph.
/// <para>
/// Forward: <c>H_l = relu(N_l(b_l + H_{l−1} W_lᵀ))</c>, logits <c>Z</c>; loss <c>log_softmax</c> + <c>nll_loss</c>. N is
/// the identity, or batch norm in training mode as <c>nn.BatchNorm1d</c> computes it: each member normalises with its own
/// batch's mean and biased variance, <c>x̂ = (A − μ)/√(σ² + ε)</c>, <c>N = γ x̂ + β</c>, and updates its running mean and
/// (unbiased) variance with the layer's momentum, which its model uses in evaluation. Backward:
/// <c>G = (softmax(Z) − onehot(y)) / B</c>, then per layer <c>∇W_l = G_lᵀ H_{l−1}</c>, <c>∇b_l = G_lᵀ 1</c>,
/// <c>D = (G_l W_l) ⊙ 1[H_{l−1} &gt; 0]</c> and <c>G_{l−1} = D</c>, or through batch norm <c>∇γ = Σ D x̂</c>, <c>∇β = Σ D</c>,
/// <c>G_{l−1} = (γD − mean(γD) − x̂ mean(γD x̂)) / √(σ² + ε)</c>; then <see cref="SgdUpdate"/>. Each product runs on one of two kernels:
/// with one member, <c>addmm_</c> into buffers allocated once per batch size; with K &gt; 1, batched products (<c>bmm</c>), one
/// call for all members. Everything else (bias and ReLU, the loss and G, the ReLU's and batch norm's passes, ∇b) is one
/// <see cref="MlpKernels"/> pass each over all members' rows. When every member is plain SGD that nobody observes before its update and whose
/// norms nobody asked for, each member's weight update is fused into its weight-gradient product
/// (<c>W_k.addmm_(G_kᵀ, H_k, β = 1, α = −η_k)</c>, one call per member into its slice: no gradient is written, the member's
/// weights get the arithmetic of its trial alone; not with batch norm). One member with heavy-ball momentum alone accumulates
/// v ← μv + g in the gradient products instead (<c>addmm_</c> with β = μ into <see cref="SgdUpdate"/>'s momentum buffer), then
/// θ ← θ − ηv in one pass over the flat parameters. A pack on the CPU whose members share one step updates all members'
/// weights by one in-place batched product (libtorch's <c>baddbmm_</c>). Members never interact: the
/// gradient for member k's slice is the gradient of its own loss.
/// </para>
/// <para>
/// With one member, the stacked tensors are views of the member's own parameters and of their <c>.grad</c> (so the
/// member's model is live and instruments that read gradients before the update see them), which the engine re-points at
/// one flat parameter buffer and one flat gradient buffer (the update is then a few operations on the whole model); with K &gt; 1 the engine
/// owns the stacked weights and copies member k's into its model when <see cref="Model"/> is asked for it.
/// </para>
/// </summary>
public sealed class StackedMlpEngine : ITrainingEngine
{
    /// <summary>Steps between checks that a one-member engine's views are still its model's parameters.</summary>
    public const int VerifyEvery = 64;

    private readonly Mlp[] _members;
    private readonly Tensor[] _weights;
    private readonly Tensor[] _biases;
    private readonly Tensor[] _parameters;
    private readonly One? _one;
    private readonly Norm[] _norms;
    private readonly Tensor[]? _flat;
    private readonly Tensor[]? _flatGradient;
    private readonly SgdUpdate _update;
    private readonly Dictionary<int, Buffers> _buffers = [];
    private readonly long[] _copied;
    private readonly bool _fusible;
    private readonly double _heavyBall;
    private readonly double[] _ones;
    private readonly bool _batchedUpdate;
    private Velocity? _velocity;
    private long _steps;

    private StackedMlpEngine(Mlp[] members, SgdMember[] settings)
    {
        _members = members;
        var depth = members[0].Layers.Count;
        _weights = new Tensor[depth];
        _biases = new Tensor[depth];
        using var noGrad = no_grad();
        // One member: its parameters and gradients become views of one flat buffer each (as FlatSgd does), so that the
        // SGD update is a few operations on the whole model; the views below are taken after this.
        if (members.Length == 1) (_flat, _flatGradient) = Flatten(members[0]);
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
        _norms = Enumerable.Range(0, members[0].Norms.Count).Select(l => new Norm(members.Select(m => (BatchNorm1d)m.Norms[l]).ToArray())).ToArray();
        _parameters = _weights.Zip(_biases, (w, b) => new[] { w, b }).SelectMany(p => p)
            .Concat(_norms.SelectMany(n => new[] { n.Gamma, n.Beta })).ToArray();
        if (members.Length == 1) _one = new One(members[0]);
        _update = new SgdUpdate(_flat ?? _parameters, settings);
        _copied = new long[members.Length];
        _ones = Enumerable.Repeat(1.0, members.Length).ToArray();
        // Every member plain SGD, no batch norm, float32 (addmm's α is single precision): the update can be fused (Step).
        _fusible = settings.All(s => s.IsPlain) && _norms.Length == 0 && _weights[0].dtype == ScalarType.Float32;
        // The stacked weights of a pack on the CPU can take the in-place batched product where libtorch's entry point is found.
        _batchedUpdate = members.Length > 1 && _fusible && _weights[0].device_type == DeviceType.CPU && TorchNative.HasBatchedAddMatmul;
        // One member with heavy-ball momentum alone (no weight decay, not Nesterov), float32: v ← μv + g can be fused into the
        // gradient products (addmm's β is single precision), batch norm or not.
        if (members.Length == 1 && settings[0] is { Momentum: > 0, WeightDecay: 0, Nesterov: false } && _weights[0].dtype == ScalarType.Float32)
            _heavyBall = settings[0].Momentum;
    }

    /// <summary>Re-points the model's trainable parameters and their <c>.grad</c> at slices of two flat buffers; returns them as [1, N].</summary>
    private static (Tensor[] Flat, Tensor[] Gradient) Flatten(Mlp model)
    {
        var parameters = model.parameters().Where(p => p.requires_grad).ToArray();
        using var scope = NewDisposeScope();
        var flat = cat(parameters.Select(p => p.detach().reshape(-1)).ToArray()).MoveToOuterDisposeScope();
        var gradient = zeros_like(flat).MoveToOuterDisposeScope();
        long offset = 0;
        foreach (var p in parameters)
        {
            var n = p.numel();
            p.set_(flat.narrow(0, offset, n).view(p.shape));
            p.grad = gradient.narrow(0, offset, n).view(p.shape);
            offset += n;
        }
        var views = (flat.unsqueeze(0).DetachFromDisposeScope(), gradient.unsqueeze(0).DetachFromDisposeScope());
        flat.Dispose();
        gradient.Dispose();
        return ([views.Item1], [views.Item2]);
    }

    /// <summary>Whether this engine can train <paramref name="model"/> on <paramref name="data"/>; otherwise why not.</summary>
    public static bool Supports(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, out string why)
    {
        why = model switch
        {
            not Mlp => $"the model is a {model.GetType().Name}, not an MLP",
            Mlp m when m.Norms.Any(n => n is not BatchNorm1d) => "the MLP has ghost batch norm",
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
        if (members.Any(m => m.Norms.Any(n => n is not BatchNorm1d))) throw new ArgumentException("The stacked MLP engine does not support ghost batch norm.", nameof(members));
        if (members.Any(m => m.Norms.Count != members[0].Norms.Count)) throw new ArgumentException("Stacked MLPs must all have batch norm or none.", nameof(members));
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
        for (var l = 0; l < _norms.Length; l++) _norms[l].CopyTo(member, (BatchNorm1d)model.Norms[l]);
        _copied[member] = _steps;
        return model;
    }

    public EngineStep Step(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<double> learningRates, Action<int>? beforeUpdate, IReadOnlyList<bool> observed, bool norms = false)
    {
        var k = _members.Length;
        if (k == 1 && _steps % VerifyEvery == 0) Verify();
        _steps++;
        using var noGrad = no_grad();
        var b = batchSize;
        var depth = _weights.Length;
        // Plain SGD for every member, which nobody observes before the update and whose norms nobody asked for: each member's
        // weight update is fused into its weight-gradient product (float32: addmm's α is single precision).
        var fuse = _fusible && beforeUpdate is null && !norms;
        // One member with heavy-ball momentum, unobserved, after its first step: v ← μv + g is fused into the gradient
        // products (β = μ into the momentum buffer: no gradient is written), then θ ← θ − ηv.
        var heavyBall = _heavyBall != 0 && beforeUpdate is null && !norms ? VelocityViews() : null;
        // −η_k in single precision, as addmm's α is: the fused weight and bias updates use the same step.
        var steps = fuse ? learningRates.Select(lr => (double)(float)-lr).ToArray() : null;
        // A pack on the CPU whose members share one step takes the batched form of the fused update (libtorch's baddbmm_).
        var batched = fuse && k > 1 && Array.TrueForAll(steps!, s => s == steps![0]) && _batchedUpdate;
        var buffers = k == 1 ? BuffersFor(b) : null;
        var gradients = k == 1 ? _flatGradient! : new Tensor[_parameters.Length];

        // Forward. Activations are [B, out] (one member) or [K, B, out].
        var x = inputs.dim() > 2 ? inputs.flatten(1) : inputs;
        if (k > 1) x = x.view(k, b, -1);
        var activations = new Tensor[depth];
        var normalized = new Tensor[_norms.Length];
        var previous = x;
        for (var l = 0; l < depth; l++)
        {
            var hidden = l < depth - 1;
            var normalize = l < _norms.Length;
            var h = Affine(previous, l, buffers, relu: hidden && !normalize);
            if (normalize)
            {
                h = _norms[l].Forward(h, k, out normalized[l]);
                if (hidden) MlpKernels.Relu(h);
            }
            activations[l] = previous = h;
        }
        var logits = activations[^1];

        // Loss and G = ∂L/∂Z = (softmax(Z) − onehot(y)) / B, in one pass over the logits.
        var g = buffers?.LogitGradient ?? empty_like(logits);
        var losses = MlpKernels.SoftmaxCrossEntropy(logits, labels, g, k);

        // Backward, layer by layer from the read-out.
        for (var l = depth - 1; l >= 0; l--)
        {
            var input = l == 0 ? x : activations[l - 1];
            var upstream = l > 0 ? Upstream(g, l, buffers) : null;                           // with W_l before its update
            if (fuse) FusedUpdate(g, input, l, steps!, batched, buffers);
            else if (heavyBall is not null) MomentumGradients(g, input, l, heavyBall);
            else WeightGradients(g, input, l, buffers, gradients);
            if (upstream is null) break;
            MlpKernels.ReluBackward(upstream, activations[l - 1]);
            g = l - 1 < _norms.Length
                ? _norms[l - 1].Backward(upstream, normalized[l - 1], k, gradients, heavyBall?.Norms ?? _one?.NormGrads, 2 * (l - 1), 2 * depth + 2 * (l - 1), heavyBall is null ? 0 : _heavyBall)
                : upstream;
        }

        Tensor? gradientNorms = null, updateNorms = null;
        if (heavyBall is not null) _flat![0].add_(heavyBall.Buffer, alpha: -learningRates[0]);
        else if (!fuse)
        {
            for (var m = 0; m < k && beforeUpdate is not null; m++)
            {
                if (!observed[m]) continue;
                if (k > 1) Expose(m, gradients);
                beforeUpdate(m);
            }
            (gradientNorms, updateNorms) = _update.Step(gradients, learningRates, norms);
        }
        return new EngineStep(losses, k == 1 ? logits.unsqueeze(0) : logits) { AppliedGradientNormsSquared = gradientNorms, UpdateNormsSquared = updateNorms };
    }

    /// <summary>
    /// For an observer before the update of a packed member: copies θ_t into member k's model and its gradient slices into the
    /// model's <c>.grad</c> (so instruments that read them see what the member alone would show them).
    /// </summary>
    private void Expose(int member, Tensor[] gradients)
    {
        var model = (Mlp)Model(member);
        _copied[member] = -1; // the update changes the weights: copy again when asked after it
        var parameters = model.Layers.SelectMany(l => new[] { l.weight!, l.bias! }).Concat(model.Norms.Cast<BatchNorm1d>().SelectMany(n => new[] { n.weight!, n.bias! })).ToArray();
        for (var i = 0; i < parameters.Length; i++)
        {
            using var grad = GradientOf(parameters[i]);
            grad.copy_(gradients[i][member]);
        }
    }

    /// <summary>
    /// <c>b_l + X W_lᵀ</c>, then the ReLU when <paramref name="relu"/>: one member into its buffer (<c>addmm_</c>), K members
    /// by <c>bmm</c>; the bias and the ReLU in one pass (<see cref="MlpKernels.AddBias"/>).
    /// </summary>
    private Tensor Affine(Tensor x, int l, Buffers? buffers, bool relu)
    {
        var h = buffers is not null ? buffers.Activations[l].addmm_(x, _one!.WeightsT[l], beta: 0) : x.bmm(_weights[l].transpose(1, 2));
        MlpKernels.AddBias(h, buffers is not null ? _one!.Biases[l] : _biases[l], _members.Length, relu);
        return h;
    }

    /// <summary><c>G W_l</c>, the gradient with respect to the layer's input.</summary>
    private Tensor Upstream(Tensor g, int l, Buffers? buffers) =>
        buffers is not null ? buffers.Gradients[l - 1].addmm_(g, _one!.Weights[l], beta: 0) : g.bmm(_weights[l]);

    /// <summary><c>∇W_l = Gᵀ H</c> and <c>∇b_l = Gᵀ 1</c>: one member into its parameters' <c>.grad</c>, K members as new tensors.</summary>
    private void WeightGradients(Tensor g, Tensor input, int l, Buffers? buffers, Tensor[] gradients)
    {
        if (buffers is not null)
        {
            _one!.WeightGrads[l].addmm_(g.t(), input, beta: 0);
            MlpKernels.ColumnSums(g, _one.BiasGrads[l], _ones, beta: 0);
            return;
        }
        gradients[2 * l] = g.transpose(1, 2).bmm(input);
        var bias = empty_like(_biases[l]);
        MlpKernels.ColumnSums(g, bias, _ones, beta: 0);
        gradients[2 * l + 1] = bias;
    }

    /// <summary>v_W ← μ v_W + Gᵀ H (one <c>addmm_</c> with β = μ) and v_b ← μ v_b + Gᵀ 1, into the one member's momentum buffer.</summary>
    private void MomentumGradients(Tensor g, Tensor input, int l, Velocity velocity)
    {
        velocity.Weights[l].addmm_(g.t(), input, beta: (float)_heavyBall, alpha: 1);
        MlpKernels.ColumnSums(g, velocity.Biases[l], _ones, beta: _heavyBall);
    }

    /// <summary>The one member's momentum buffer as views laid out like its gradients (null before <see cref="SgdUpdate"/> made it, at the first step).</summary>
    private Velocity? VelocityViews()
    {
        if (_update.MomentumBuffer(0) is not { } buffer) return null;
        if (_velocity is { } cached && ReferenceEquals(cached.Buffer, buffer)) return cached;
        _velocity?.Dispose();
        var one = _one!;
        var origin = _flatGradient![0].storage_offset();
        using var flat = buffer.view(-1);
        Tensor View(Tensor gradient)
        {
            using var slice = flat.narrow(0, gradient.storage_offset() - origin, gradient.numel());
            return slice.view(gradient.shape).DetachFromDisposeScope();
        }
        return _velocity = new Velocity(buffer, one.WeightGrads.Select(View).ToArray(), one.BiasGrads.Select(View).ToArray(), one.NormGrads.Select(View).ToArray());
    }

    /// <summary>Views of the momentum buffer (owned by <see cref="SgdUpdate"/>) at each weight, bias and batch-norm parameter's place.</summary>
    private sealed record Velocity(Tensor Buffer, Tensor[] Weights, Tensor[] Biases, Tensor[] Norms) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in Weights.Concat(Biases).Concat(Norms)) t.Dispose();
        }
    }

    /// <summary>
    /// θ ← θ − η ∇θ for plain-SGD members, fused into the weight-gradient products: W_k ← W_k − η_k G_kᵀ H_k by one
    /// <c>addmm_</c> per member into its slice of the stacked weights (the kernel a member alone uses; no gradient is written),
    /// and b_k ← b_k − η_k G_kᵀ 1 by <see cref="MlpKernels.ColumnSums"/>. When <paramref name="batched"/> (a pack on the CPU
    /// whose members share one step) all members' weights are updated by one in-place batched product, libtorch's
    /// <c>baddbmm_</c> with β = 1 and α = −η (<see cref="TorchNative.BatchedAddMatmul"/>: MKL's batched GEMM accumulating into
    /// the weights). For 8 members at batch 32 the three layers' updates took 3.7-3.9 ms against 4.4-4.7 for a batched
    /// gradient product and an <c>add_</c>, and 4.5-4.7 for one <c>addmm_</c> per member, at 2 threads; 6.6-6.9 against
    /// 7.5-7.8 and 7.1-7.5 at one (docs/benchmarks.md). The weight layers' results equal the members' own <c>addmm_</c> bit
    /// for bit in that measurement, the 10-row read-out to 1e-6.
    /// </summary>
    private void FusedUpdate(Tensor g, Tensor input, int l, double[] steps, bool batched, Buffers? buffers)
    {
        if (buffers is not null)
        {
            _one!.Weights[l].addmm_(g.t(), input, beta: 1, alpha: (float)steps[0]);
            MlpKernels.ColumnSums(g, _one.Biases[l], steps, beta: 1);
            return;
        }
        if (batched)
        {
            using var gt = g.transpose(1, 2);
            TorchNative.BatchedAddMatmul(_weights[l], gt, input, beta: 1, alpha: (float)steps[0]);
        }
        else for (var m = 0; m < _members.Length; m++)
        {
            using var weights = _weights[l][m];
            using var gm = g[m];
            using var gmt = gm.t();
            using var inputs = input[m];
            weights.addmm_(gmt, inputs, beta: 1, alpha: (float)steps[m]);
        }
        MlpKernels.ColumnSums(g, _biases[l], steps, beta: 1);
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
        _velocity?.Dispose();
        _update.Dispose();
        _one?.Dispose();
        foreach (var t in (_flat ?? []).Concat(_flatGradient ?? [])) t.Dispose();
        foreach (var n in _norms) n.Dispose();
        foreach (var t in _weights.Concat(_biases)) t.Dispose();
    }

    /// <summary>
    /// One hidden layer's batch norm for every member: γ, β and the running statistics stacked as [K, features] (with one
    /// member, views of the member's own), in training mode as <c>nn.BatchNorm1d</c>.
    /// </summary>
    private sealed class Norm : IDisposable
    {
        private readonly double _eps;
        private readonly double _momentum;

        public Norm(BatchNorm1d[] members)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var one = members.Length == 1;
            Tensor Stack(Func<BatchNorm1d, Tensor> f) => (one ? f(members[0]).detach().unsqueeze(0) : stack(members.Select(m => f(m).detach()).ToArray()).contiguous()).MoveToOuterDisposeScope();
            Gamma = Stack(m => m.weight!);
            Beta = Stack(m => m.bias!);
            RunningMean = Stack(m => m.running_mean!);
            RunningVar = Stack(m => m.running_var!);
            _eps = members[0].eps;
            _momentum = members[0].momentum ?? throw new ArgumentException("Batch norm with a cumulative average (momentum null) is not supported by the stacked engine.");
            if (members.Any(m => m.eps != _eps || m.momentum != _momentum)) throw new ArgumentException("Stacked batch norms must share ε and momentum.");
            _inverse = empty_like(Gamma).MoveToOuterDisposeScope();
        }

        public Tensor Gamma { get; }
        public Tensor Beta { get; }
        public Tensor RunningMean { get; }
        public Tensor RunningVar { get; }

        /// <summary>
        /// γ x̂ + β with the batch's statistics, in place of <paramref name="a"/> ([B, F] for one member, [K, B, F]); x̂ and
        /// 1/√(σ² + ε) are kept for the backward pass (<see cref="MlpKernels.BatchNormForward"/>).
        /// </summary>
        public Tensor Forward(Tensor a, int k, out Tensor normalized)
        {
            normalized = empty_like(a);
            MlpKernels.BatchNormForward(a, normalized, _inverse, Gamma, Beta, RunningMean, RunningVar, k, _eps, _momentum);
            return a;
        }

        /// <summary>1/√(σ² + ε) of the last forward pass, [K, F].</summary>
        private readonly Tensor _inverse;

        /// <summary>
        /// From the gradient with respect to the layer's output, writes ∇γ and ∇β (one member: into <paramref name="oneTargets"/> at
        /// <paramref name="index"/>, its parameters' <c>.grad</c> or, with <paramref name="momentum"/> μ, its momentum buffer as v ← μv + ∇; K: into <paramref name="gradients"/>
        /// at <paramref name="slot"/>) and returns the gradient with respect to its input, in place of <paramref name="d"/>
        /// (<see cref="MlpKernels.BatchNormBackward"/>).
        /// </summary>
        public Tensor Backward(Tensor d, Tensor normalized, int k, Tensor[] gradients, Tensor[]? oneTargets, int index, int slot, double momentum)
        {
            Tensor scale, shift;
            if (oneTargets is not null) (scale, shift) = (oneTargets[index], oneTargets[index + 1]);
            else
            {
                gradients[slot] = scale = empty_like(Gamma);
                gradients[slot + 1] = shift = empty_like(Beta);
            }
            MlpKernels.BatchNormBackward(d, normalized, _inverse, Gamma, scale, shift, k, momentum);
            return d;
        }

        /// <summary>Writes member k's γ, β and running statistics into its own batch norm.</summary>
        public void CopyTo(int member, BatchNorm1d target)
        {
            target.weight!.copy_(Gamma[member]);
            target.bias!.copy_(Beta[member]);
            target.running_mean!.copy_(RunningMean[member]);
            target.running_var!.copy_(RunningVar[member]);
        }

        public void Dispose()
        {
            _inverse.Dispose();
            Gamma.Dispose();
            Beta.Dispose();
            RunningMean.Dispose();
            RunningVar.Dispose();
        }
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
            NormGrads = model.Norms.Cast<BatchNorm1d>().SelectMany(n => new[] { GradientOf(n.weight!).DetachFromDisposeScope(), GradientOf(n.bias!).DetachFromDisposeScope() }).ToArray();
        }

        /// <summary>Each batch norm's ∇γ and ∇β (the layer's parameters' <c>.grad</c>), layer by layer.</summary>
        public Tensor[] NormGrads { get; }

        public Tensor[] Weights { get; }
        public Tensor[] WeightsT { get; }
        public Tensor[] Biases { get; }
        public Tensor[] WeightGrads { get; }
        public Tensor[] BiasGrads { get; }

        public void Dispose()
        {
            foreach (var t in Weights.Concat(WeightsT).Concat(Biases).Concat(WeightGrads).Concat(BiasGrads).Concat(NormGrads)) t.Dispose();
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
            LogitGradient = empty([batch, weights[^1].shape[1]], dtype: dtype, device: device).DetachFromDisposeScope();
        }

        public Tensor[] Activations { get; }
        public Tensor[] Gradients { get; }

        /// <summary>∂L/∂Z, beside the logits (which the step returns).</summary>
        public Tensor LogitGradient { get; }

        public void Dispose()
        {
            foreach (var t in Activations.Concat(Gradients)) t.Dispose();
            LogitGradient.Dispose();
        }
    }
}
