using Declarative.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Packing;

/// <summary>
/// K ReLU MLPs of one shape trained as one stacked model: layer l holds its K weight matrices as one
/// tensor [K, in, out] and its biases as [K, 1, out], and the forward pass is one batched matrix product
/// per layer (<c>bmm</c>, then the bias added in place) on inputs [K, B, in]. Member k is exactly the <see cref="Mlp"/> it was
/// built from (its initial weights are copied in), so each member can be initialised by its own trial's
/// seed; members never interact (the gradient of the summed member losses with respect to member k's
/// weights is the gradient of member k's own loss).
/// </summary>
public sealed class PackedMlp : IDisposable
{
    private readonly Tensor[] _weights;
    private readonly Tensor[] _biases;

    private PackedMlp(Tensor[] weights, Tensor[] biases)
    {
        _weights = weights;
        _biases = biases;
    }

    /// <summary>The number of members K.</summary>
    public int Members => (int)_weights[0].shape[0];

    /// <summary>Layer l's weights, [K, in, out] (the transpose of each member's Linear weight).</summary>
    public IReadOnlyList<Tensor> Weights => _weights;

    /// <summary>Layer l's biases, [K, 1, out].</summary>
    public IReadOnlyList<Tensor> Biases => _biases;

    /// <summary>Every trainable tensor, weights and biases interleaved by layer.</summary>
    public IReadOnlyList<Tensor> Parameters => _weights.Zip(_biases, (w, b) => new[] { w, b }).SelectMany(p => p).ToArray();

    /// <summary>Stacks MLPs of one shape without normalisation (each keeps its own initial weights).</summary>
    public static PackedMlp Stack(IReadOnlyList<Mlp> members)
    {
        if (members.Count == 0) throw new ArgumentException("A pack needs at least one member.", nameof(members));
        if (members.Any(m => m.IsNormalized))
            throw new ArgumentException("Packed MLPs do not support batch norm (its running statistics are per member).", nameof(members));
        var depth = members[0].Layers.Count;
        if (members.Any(m => m.Layers.Count != depth || !m.Layers.Select(l => l.weight!.shape).SequenceEqual(members[0].Layers.Select(l => l.weight!.shape), ShapeComparer.Instance)))
            throw new ArgumentException("Packed MLPs must all have the same layer sizes.", nameof(members));
        using var noGrad = no_grad();
        var weights = new Tensor[depth];
        var biases = new Tensor[depth];
        for (var l = 0; l < depth; l++)
        {
            using var scope = NewDisposeScope();
            weights[l] = stack(members.Select(m => m.Layers[l].weight!.t()).ToArray()).contiguous().MoveToOuterDisposeScope();
            biases[l] = stack(members.Select(m => m.Layers[l].bias!.unsqueeze(0)).ToArray()).contiguous().MoveToOuterDisposeScope();
        }
        return new PackedMlp(weights, biases);
    }

    /// <summary>
    /// The members' mean cross-entropies [K] on their batches, the logits [K, B, classes] and the gradient of
    /// each member's loss with respect to its own weights and biases (in <see cref="Parameters"/> order),
    /// written out by hand like <see cref="Training.MlpTrainingStep"/>, with batched products: no autograd graph.
    /// <c>G = (softmax(Z) − onehot(y)) / B</c>; per layer <c>∇W = Hᵀ G</c>, <c>∇b = Σ_B G</c>, and
    /// <c>G ← (G Wᵀ) ⊙ 1[H &gt; 0]</c> for the layer below. Everything lives in the caller's dispose scope.
    /// </summary>
    /// <param name="inputs">[K, B, features], member k's batch in row k.</param>
    /// <param name="labels">[K · B] class indices, member-major.</param>
    public (Tensor Losses, Tensor Logits, Tensor[] Gradients) LossAndGradients(Tensor inputs, Tensor labels)
    {
        using var noGrad = no_grad();
        var k = inputs.shape[0];
        var b = inputs.shape[1];
        var depth = _weights.Length;
        var activations = new Tensor[depth];
        var x = inputs;
        for (var l = 0; l < depth; l++)
        {
            var h = x.bmm(_weights[l]); // not baddbmm: TorchSharp 0.107 passes its operands to the native call in the wrong order
            h.add_(_biases[l]);
            if (l < depth - 1) h.relu_();
            activations[l] = x = h;
        }
        var logits = activations[^1];
        var logProbabilities = logits.log_softmax(2);
        var losses = nn.functional.nll_loss(logProbabilities.view(k * b, -1), labels, reduction: nn.Reduction.None).view(k, b).mean([1]);
        var g = logProbabilities.exp_();
        g.scatter_add_(2, labels.view(k, b, 1), full([k, b, 1], -1.0, dtype: g.dtype, device: g.device));
        g.mul_(1.0 / b);
        var gradients = new Tensor[2 * depth];
        for (var l = depth - 1; l >= 0; l--)
        {
            var input = l == 0 ? inputs : activations[l - 1];
            var upstream = l > 0 ? g.bmm(_weights[l].transpose(1, 2)) : null;
            gradients[2 * l] = input.transpose(1, 2).bmm(g);
            gradients[2 * l + 1] = g.sum(1, keepdim: true);
            if (upstream is null) break;
            upstream.mul_(activations[l - 1].sign_()); // after ReLU, sign(H) is the ReLU's derivative
            g = upstream;
        }
        return (losses, logits, gradients);
    }

    /// <summary>Writes member k's current weights into an MLP of the same shape (for instruments that need an ordinary model).</summary>
    public void CopyMemberTo(int member, Mlp target)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        for (var l = 0; l < _weights.Length; l++)
        {
            target.Layers[l].weight!.copy_(_weights[l][member].t());
            target.Layers[l].bias!.copy_(_biases[l][member].squeeze(0));
        }
    }

    public void Dispose()
    {
        foreach (var t in _weights.Concat(_biases)) t.Dispose();
    }

    private sealed class ShapeComparer : IEqualityComparer<long[]>
    {
        public static readonly ShapeComparer Instance = new();
        public bool Equals(long[]? x, long[]? y) => x is not null && y is not null && x.SequenceEqual(y);
        public int GetHashCode(long[] obj) => obj.Length;
    }
}
