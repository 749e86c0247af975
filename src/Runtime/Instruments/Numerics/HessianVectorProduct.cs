using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Hessian-vector products of a loss by double backward. The gradient graph is built once (create_graph)
/// and kept (retain_graph) so that each further product costs one backward pass. Owns the graph: dispose
/// to free it. Never touches <c>.grad</c>.
/// </summary>
public sealed class HessianVectorProduct : IDisposable
{
    private readonly List<Tensor> _parameters;
    private readonly IList<Tensor> _gradient;

    public HessianVectorProduct(LossFunction loss, IReadOnlyList<Tensor> parameters)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        _parameters = parameters.ToList();
        var l = loss();
        Loss = l.detach().to_type(ScalarType.Float64).item<double>();
        // TorchSharp does not default retain_graph to create_graph: both are needed for the second backward.
        // The graph keeps what it needs natively; the handles of the forward pass are freed with the scope.
        _gradient = torch.autograd.grad([l], _parameters, retain_graph: true, create_graph: true);
        foreach (var g in _gradient) g.DetachFromDisposeScope();
        Gradient = ParameterVector.Flatten(_gradient).DetachFromDisposeScope();
        Dimension = Gradient.shape[0];
    }

    public double Loss { get; }

    /// <summary>The gradient at the parameters, flat float64 (owned by this object).</summary>
    public Tensor Gradient { get; }

    public long Dimension { get; }

    /// <summary>H v for a flat float64 vector v; the result is a new flat float64 tensor.</summary>
    public Tensor Apply(Tensor v)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var pieces = ParameterVector.Split(v, _parameters);
        Tensor? dot = null;
        for (var i = 0; i < pieces.Length; i++)
        {
            var term = (_gradient[i] * pieces[i]).sum();
            dot = dot is null ? term : dot + term;
        }
        var hv = torch.autograd.grad([dot!], _parameters, retain_graph: true, create_graph: false);
        return ParameterVector.Flatten(hv).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        foreach (var g in _gradient) g.Dispose();
        Gradient.Dispose();
    }
}
