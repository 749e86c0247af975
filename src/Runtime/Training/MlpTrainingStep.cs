using Declarative.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// One training step of a plain ReLU <see cref="Mlp"/> on the mean cross-entropy, forward and backward
/// written out by hand into buffers allocated once per batch size: no autograd graph, no per-step
/// activation or gradient allocation, about thirty native calls per step for three layers.
/// <para>
/// Forward: <c>H_l = relu(b_l + H_{l-1} W_lᵀ)</c> (copy of the bias, <c>addmm_</c>, <c>relu_</c>), logits <c>Z</c>.
/// Loss: <c>log_softmax</c> and <c>nll_loss</c> as <c>Objective.Loss</c> computes them. Backward:
/// <c>G = (softmax(Z) − onehot(y)) / B</c>, then per layer <c>∇W_l = G_lᵀ H_{l−1}</c>, <c>∇b_l = G_lᵀ 1</c>,
/// <c>G_{l−1} = (G_l W_l) ⊙ 1[H_{l−1} &gt; 0]</c>, every product an <c>addmm_</c>/<c>addmv_</c> with β = 0
/// straight into the parameters' <c>.grad</c> tensors (which it overwrites: no <c>zero_grad</c> is needed).
/// The arithmetic is the autograd path's up to float rounding (tested against it).
/// </para>
/// <para>
/// It applies to an unnormalised <see cref="Mlp"/> (batch norm needs batch statistics in the backward
/// pass) trained on a classification loss without the gradient-norm penalty (which needs double
/// backward); <see cref="Applies"/> says why not otherwise, and the loop then takes the autograd path.
/// The parameters' data and <c>.grad</c> tensors must not be replaced after construction (checked every
/// <see cref="VerifyEvery"/> steps, like <see cref="Optimizers.FlatSgd"/>).
/// </para>
/// </summary>
public sealed class MlpTrainingStep : IDisposable
{
    /// <summary>Steps between checks that the cached parameter and gradient tensors are still the model's.</summary>
    public const int VerifyEvery = 64;

    private readonly Tensor[] _weights;
    private readonly Tensor[] _weightsT;
    private readonly Tensor[] _biases;
    private readonly Tensor[] _weightGrads;
    private readonly Tensor[] _biasGrads;
    private readonly TorchSharp.Modules.Parameter[] _parameters;
    private readonly Dictionary<int, Buffers> _buffers = [];
    private long _steps;

    private MlpTrainingStep(Mlp model)
    {
        var layers = model.Layers;
        var n = layers.Count;
        _weights = new Tensor[n];
        _weightsT = new Tensor[n];
        _biases = new Tensor[n];
        _weightGrads = new Tensor[n];
        _biasGrads = new Tensor[n];
        _parameters = new TorchSharp.Modules.Parameter[2 * n];
        using var noGrad = no_grad();
        for (var l = 0; l < n; l++)
        {
            var weight = layers[l].weight ?? throw new ArgumentException("Every layer of the MLP needs a weight.", nameof(model));
            var bias = layers[l].bias ?? throw new ArgumentException("Every layer of the MLP needs a bias.", nameof(model));
            _parameters[2 * l] = weight;
            _parameters[2 * l + 1] = bias;
            _weights[l] = weight.detach().DetachFromDisposeScope();
            _weightsT[l] = _weights[l].t().DetachFromDisposeScope();
            _biases[l] = bias.detach().DetachFromDisposeScope();
            _weightGrads[l] = GradientOf(weight);
            _biasGrads[l] = GradientOf(bias);
        }
    }

    /// <summary>Whether the hand-written step can train this model on this data with these options; otherwise why not.</summary>
    public static bool Applies(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, TrainingOptions options, out string why)
    {
        why = model switch
        {
            not Mlp => $"the model is a {model.GetType().Name}, not an MLP",
            Mlp { IsNormalized: true } => "the MLP has (ghost) batch norm",
            _ when data.IsRegression => "the task is a regression (squared error)",
            _ when options.GradientPenalty > 0 => "the gradient-norm penalty needs double backward",
            Mlp m when m.parameters().Any(p => !p.requires_grad) => "some parameters are frozen",
            Mlp m when m.parameters().Select(p => (p.dtype, p.device_type)).Distinct().Count() != 1 => "the parameters differ in dtype or device",
            _ => "",
        };
        return why.Length == 0;
    }

    /// <summary>The step for <paramref name="model"/> when <see cref="Applies"/>; null otherwise.</summary>
    public static MlpTrainingStep? TryCreate(nn.Module<Tensor, Tensor> model, Data.ClassificationData data, TrainingOptions options) =>
        Applies(model, data, options, out _) ? new MlpTrainingStep((Mlp)model) : null;

    /// <summary>
    /// Computes the logits and the mean cross-entropy of the batch and writes the gradients of the loss
    /// into every parameter's <c>.grad</c>. The logits are a buffer that the next step at this batch size
    /// overwrites; the loss is a new scalar tensor (in the caller's dispose scope).
    /// </summary>
    public (Tensor Loss, Tensor Logits) Step(Tensor inputs, Tensor labels) => Run(inputs, labels, sgdLearningRate: null);

    /// <summary>
    /// Like <see cref="Step"/>, then the plain SGD update θ ← θ − η∇L, fused into the backward pass: each
    /// layer's weight and bias are updated by the same <c>addmm_</c>/<c>addmv_</c> that would have written
    /// their gradient (β = 1, α = −η), after the layer's weight has served the upstream gradient. The
    /// <c>.grad</c> tensors are not written. Only for SGD without momentum or weight decay, and only when
    /// nothing needs to see the gradients before the update.
    /// </summary>
    public (Tensor Loss, Tensor Logits) StepAndUpdate(Tensor inputs, Tensor labels, double learningRate) =>
        CanFuseUpdate ? Run(inputs, labels, learningRate) : throw new InvalidOperationException("The fused update needs float32 parameters.");

    /// <summary>
    /// Whether <see cref="StepAndUpdate"/> is exact to the parameters' precision: TorchSharp passes <c>addmm_</c>'s α
    /// in single precision, so η would be rounded to float32 for a float64 model. Float32 models only.
    /// </summary>
    public bool CanFuseUpdate => _weights[0].dtype == ScalarType.Float32;

    private (Tensor Loss, Tensor Logits) Run(Tensor inputs, Tensor labels, double? sgdLearningRate)
    {
        if (_steps++ % VerifyEvery == 0) Verify();
        var batch = (int)inputs.shape[0];
        if (!_buffers.TryGetValue(batch, out var b)) _buffers[batch] = b = new Buffers(batch, _weights);
        using var noGrad = no_grad();
        var layers = _weights.Length;

        var x = inputs.dim() > 2 ? inputs.flatten(1) : inputs;
        var previous = x;
        for (var l = 0; l < layers; l++)
        {
            var output = b.Activations[l];
            output.copy_(_biases[l]);
            output.addmm_(previous, _weightsT[l]);
            if (l < layers - 1) output.relu_();
            previous = output;
        }
        var logits = b.Activations[layers - 1];

        var logProbabilities = logits.log_softmax(1);
        var loss = nn.functional.nll_loss(logProbabilities, labels);
        var g = logProbabilities.exp_();                              // softmax(Z)
        g.scatter_add_(1, labels.unsqueeze(1), b.MinusOne);           // − onehot(y)
        g.mul_(1.0 / batch);                                          // G = ∂L/∂Z (addmm's α is single precision: scale here)
        for (var l = layers - 1; l >= 0; l--)
        {
            var input = l == 0 ? x : b.Activations[l - 1];
            var gt = g.t();
            Tensor? upstream = null;
            if (l > 0)
            {
                upstream = b.Gradients[l - 1];
                upstream.addmm_(g, _weights[l], beta: 0);             // with W_l before its update
            }
            if (sgdLearningRate is { } lr)
            {
                _weights[l].addmm_(gt, input, beta: 1, alpha: (float)-lr);
                _biases[l].addmv_(gt, b.Ones, beta: 1, alpha: (float)-lr);
            }
            else
            {
                _weightGrads[l].addmm_(gt, input, beta: 0);
                _biasGrads[l].addmv_(gt, b.Ones, beta: 0);
            }
            if (upstream is null) break;
            var mask = b.Activations[l - 1].sign_();                 // H ≥ 0 after ReLU: sign is the ReLU's derivative
            upstream.mul_(mask);
            g = upstream;
        }
        return (loss, logits);
    }

    /// <summary>Throws when a parameter's data or .grad tensor is no longer the one cached at construction.</summary>
    public void Verify()
    {
        for (var l = 0; l < _weights.Length; l++)
        {
            Check(_parameters[2 * l], _weights[l], _weightGrads[l]);
            Check(_parameters[2 * l + 1], _biases[l], _biasGrads[l]);
        }

        static void Check(TorchSharp.Modules.Parameter p, Tensor data, Tensor grad)
        {
            using var current = p.grad;
            if (!Torch.TensorStorage.SameView(p, data) || current is null || !Torch.TensorStorage.SameView(current, grad))
                throw new InvalidOperationException(
                    "A parameter of the MLP or its .grad was replaced after the training step was built (e.g. by moving the model or assigning .grad): build the loop after the model and optimizer are final.");
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
        return grad.DetachFromDisposeScope();
    }

    public void Dispose()
    {
        foreach (var b in _buffers.Values) b.Dispose();
        _buffers.Clear();
        foreach (var t in _weights.Concat(_weightsT).Concat(_biases).Concat(_weightGrads).Concat(_biasGrads)) t.Dispose();
    }

    /// <summary>Activations (the logits last), upstream gradients of the hidden layers, and constants for one batch size.</summary>
    private sealed class Buffers : IDisposable
    {
        public Buffers(int batch, Tensor[] weights)
        {
            var dtype = weights[0].dtype;
            var device = weights[0].device;
            Activations = weights.Select(w => empty([batch, w.shape[0]], dtype: dtype, device: device).DetachFromDisposeScope()).ToArray();
            Gradients = weights.Take(weights.Length - 1).Select(w => empty([batch, w.shape[0]], dtype: dtype, device: device).DetachFromDisposeScope()).ToArray();
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
