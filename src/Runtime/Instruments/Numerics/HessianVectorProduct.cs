using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Hessian-vector products of a loss by double backward. The gradient graph is built once (create_graph)
/// and kept (retain_graph) so that each further product costs one backward pass. Owns the graph: dispose
/// to free it. Never touches <c>.grad</c>.
/// <para>
/// Internally it also serves K models of one parameter count at once (the members of a pack): the loss is the sum
/// L = Σ_k L_k(θ_k) of the members' losses over disjoint parameters, so its Hessian is block-diagonal and one double
/// backward of a block vector [K, n] gives every member's H_k v_k (<see cref="ApplyBlocks"/>). With one member this is
/// the single-model operator (the same graph, the same products).
/// </para>
/// </summary>
public sealed class HessianVectorProduct : IDisposable
{
    private readonly List<Tensor>[] _parameters;
    private readonly IList<Tensor>[] _gradient;

    public HessianVectorProduct(LossFunction loss, IReadOnlyList<Tensor> parameters)
        : this([loss], [parameters])
    {
    }

    /// <summary>The operator of the summed loss Σ_k losses[k] over the members' disjoint <paramref name="parameters"/>.</summary>
    internal HessianVectorProduct(IReadOnlyList<LossFunction> losses, IReadOnlyList<IReadOnlyList<Tensor>> parameters)
    {
        if (losses.Count == 0 || losses.Count != parameters.Count) throw new ArgumentException($"{losses.Count} losses for {parameters.Count} parameter lists.", nameof(losses));
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var k = losses.Count;
        _parameters = parameters.Select(p => p.ToList()).ToArray();
        var terms = losses.Select(loss => loss()).ToArray();
        Losses = terms.Select(l => l.detach().to_type(ScalarType.Float64).item<double>()).ToArray();
        var total = terms[0];
        for (var m = 1; m < k; m++) total = total + terms[m];
        // TorchSharp does not default retain_graph to create_graph: both are needed for the second backward.
        // The graph keeps what it needs natively; the handles of the forward pass are freed with the scope.
        var all = torch.autograd.grad([total], _parameters.SelectMany(p => p).ToList(), retain_graph: true, create_graph: true);
        _gradient = new IList<Tensor>[k];
        var offset = 0;
        for (var m = 0; m < k; m++)
        {
            _gradient[m] = all.Skip(offset).Take(_parameters[m].Count).ToList();
            offset += _parameters[m].Count;
            foreach (var g in _gradient[m]) g.DetachFromDisposeScope();
        }
        Gradients = stack(_gradient.Select(ParameterVector.Flatten).ToArray()).DetachFromDisposeScope();
        Dimension = Gradients.shape[1];
        if (_parameters.Any(p => ParameterVector.Count(p) != Dimension)) throw new ArgumentException("The members' parameter counts differ.", nameof(parameters));
        Gradient = Gradients[0].DetachFromDisposeScope();
    }

    /// <summary>The loss at the parameters (with several members: the first's; see <see cref="Losses"/>).</summary>
    public double Loss => Losses[0];

    /// <summary>Each member's loss at its parameters.</summary>
    internal double[] Losses { get; }

    /// <summary>The number of members K.</summary>
    internal int Members => _parameters.Length;

    /// <summary>The gradient at the parameters, flat float64 (owned by this object; with several members, the first's).</summary>
    public Tensor Gradient { get; }

    /// <summary>Each member's gradient as rows [K, n], float64 (owned by this object).</summary>
    internal Tensor Gradients { get; }

    public long Dimension { get; }

    /// <summary>H v for a flat float64 vector v; the result is a new flat float64 tensor.</summary>
    public Tensor Apply(Tensor v)
    {
        using var scope = NewDisposeScope();
        return ApplyBlocks(v.reshape(1, Dimension), null).squeeze(0).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// H_k v_k for every member k (the rows of <paramref name="v"/>, [K, n] float64) in one double backward; the result is a
    /// new [K, n] float64 tensor. Only the members <paramref name="active"/> marks (null: all) are differentiated; the other
    /// rows of the result are zero (a finished member costs nothing).
    /// </summary>
    internal Tensor ApplyBlocks(Tensor v, IReadOnlyList<bool>? active)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var members = Enumerable.Range(0, Members).Where(m => active is null || active[m]).ToArray();
        if (members.Length == 0) return zeros_like(v).MoveToOuterDisposeScope();
        Tensor? dot = null;
        foreach (var m in members)
        {
            var pieces = ParameterVector.Split(v[m], _parameters[m]);
            for (var i = 0; i < pieces.Length; i++)
            {
                var term = (_gradient[m][i] * pieces[i]).sum();
                dot = dot is null ? term : dot + term;
            }
        }
        var hv = torch.autograd.grad([dot!], members.SelectMany(m => _parameters[m]).ToList(), retain_graph: true, create_graph: false);
        var rows = new Tensor[Members];
        var offset = 0;
        var next = 0;
        for (var m = 0; m < Members; m++)
        {
            if (next < members.Length && members[next] == m)
            {
                rows[m] = ParameterVector.Flatten(hv.Skip(offset).Take(_parameters[m].Count));
                offset += _parameters[m].Count;
                next++;
            }
            else rows[m] = zeros([Dimension], dtype: ScalarType.Float64, device: v.device);
        }
        return (Members == 1 ? rows[0].unsqueeze(0) : stack(rows)).MoveToOuterDisposeScope(); // one member: no copy
    }

    public void Dispose()
    {
        foreach (var gradient in _gradient)
            foreach (var g in gradient) g.Dispose();
        Gradient.Dispose();
        Gradients.Dispose();
    }
}
