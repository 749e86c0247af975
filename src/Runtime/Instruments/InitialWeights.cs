using System.Runtime.CompilerServices;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// θ_0, copied when the first instrument that needs it is created (before training), and ‖θ_t − θ_0‖ computed
/// once per step for <see cref="DistanceFromInit"/> and <see cref="RelativeDistanceFromInit"/> together.
/// </summary>
public sealed class InitialWeights : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly Tensor[] _initial;

    private InitialWeights(InstrumentContext context)
    {
        _context = context;
        using var noGrad = no_grad();
        _initial = context.Parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        Norm = Math.Sqrt(_initial.Sum(SquaredNorm));
    }

    public static InitialWeights For(InstrumentContext context) => context.Shared("initial-weights", () => new InitialWeights(context));

    /// <summary>‖θ_0‖.</summary>
    public double Norm { get; }

    /// <summary>‖θ_t − θ_0‖, float64 accumulation over parameters (two kernels per parameter).</summary>
    public double Distance(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var noGrad = no_grad();
        var sum = 0.0;
        var parameters = _context.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            using var d = parameters[i] - _initial[i];
            sum += SquaredNorm(d);
        }
        return new StrongBox<double>(Math.Sqrt(sum));
    }).Value;

    internal static double SquaredNorm(Tensor t)
    {
        using var norm = linalg.vector_norm(t);
        using var wide = norm.to_type(ScalarType.Float64);
        var n = wide.item<double>();
        return n * n;
    }

    public void Dispose()
    {
        foreach (var t in _initial) t.Dispose();
    }
}
