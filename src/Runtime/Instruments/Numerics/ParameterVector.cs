using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// A list of parameter tensors seen as one flat float64 vector: the numeric algorithms work on flat
/// vectors (inner products, Gram–Schmidt) and convert to the parameters' shapes and dtype only to
/// evaluate the model.
/// </summary>
public static class ParameterVector
{
    [ThreadStatic] private static long _writes;

    /// <summary>
    /// How many times <see cref="Assign"/> and <see cref="Restore"/> wrote parameters in place on this thread. A retained autograd
    /// graph over parameters is invalid once they are written (autograd rejects saved tensors modified in place, even when the
    /// values were restored bit for bit): a holder of such a graph compares this count with the one at its build.
    /// </summary>
    internal static long Writes => _writes;
    public static long Count(IReadOnlyList<Tensor> parameters) => parameters.Sum(p => p.numel());

    /// <summary>The concatenation of the tensors, flattened, as float64 (a new tensor, detached).</summary>
    public static Tensor Flatten(IEnumerable<Tensor> tensors)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return cat(tensors.Select(t => t.detach().reshape(-1).to_type(ScalarType.Float64)).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>A flat vector cut into pieces shaped (and typed) like <paramref name="like"/>.</summary>
    public static Tensor[] Split(Tensor flat, IReadOnlyList<Tensor> like)
    {
        var result = new Tensor[like.Count];
        long offset = 0;
        for (var i = 0; i < like.Count; i++)
        {
            var n = like[i].numel();
            using var piece = flat.narrow(0, offset, n);
            result[i] = piece.reshape(like[i].shape).to_type(like[i].dtype);
            offset += n;
        }
        return result;
    }

    /// <summary>Detached copies of the parameters' current values.</summary>
    public static Tensor[] Snapshot(IReadOnlyList<Tensor> parameters)
    {
        using var noGrad = no_grad();
        return parameters.Select(p => p.detach().clone()).ToArray();
    }

    /// <summary>Copies saved values back into the parameters (bit-exact: a copy, never a subtraction).</summary>
    public static void Restore(IReadOnlyList<Tensor> parameters, IReadOnlyList<Tensor> saved)
    {
        _writes++;
        using var noGrad = no_grad();
        for (var i = 0; i < parameters.Count; i++) parameters[i].copy_(saved[i]);
    }

    /// <summary>Sets the parameters to the values of a flat float64 vector.</summary>
    public static void Assign(IReadOnlyList<Tensor> parameters, Tensor flat)
    {
        _writes++;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var pieces = Split(flat, parameters);
        for (var i = 0; i < parameters.Count; i++) parameters[i].copy_(pieces[i]);
    }

    /// <summary>The gradient of a loss with respect to the parameters, flat float64; never touches <c>.grad</c>.</summary>
    public static Tensor Gradient(LossFunction loss, IReadOnlyList<Tensor> parameters, out double value)
    {
        using var scope = NewDisposeScope();
        using var enableGrad = enable_grad();
        var l = loss();
        value = l.detach().to_type(ScalarType.Float64).item<double>();
        var grads = torch.autograd.grad([l], parameters.ToList(), retain_graph: false, create_graph: false);
        return Flatten(grads).MoveToOuterDisposeScope();
    }

    /// <summary>The loss at the current parameters, without a graph.</summary>
    public static double Value(LossFunction loss)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return loss().to_type(ScalarType.Float64).item<double>();
    }

    public static double Dot(Tensor a, Tensor b)
    {
        using var d = a.dot(b);
        return d.item<double>();
    }

    public static double Norm(Tensor a) => Math.Sqrt(Dot(a, a));
}
