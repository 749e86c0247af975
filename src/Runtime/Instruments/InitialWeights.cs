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
    private readonly Flat? _flat;

    /// <summary>The parameters as one 1-D view (when the engine keeps them in one buffer), θ_0 as one copy, and where the view points.</summary>
    private sealed record Flat(Tensor View, Tensor Initial, IntPtr Address, long Offset);

    private InitialWeights(InstrumentContext context)
    {
        _context = context;
        using var noGrad = no_grad();
        _initial = context.Parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        Norm = Math.Sqrt(_initial.Sum(Torch.CpuReductions.SquaredNorm));
        if (Torch.TensorStorage.FlatView(context.Parameters) is { } view)
            _flat = new Flat(view.DetachFromDisposeScope(), view.clone().DetachFromDisposeScope(), Torch.TensorStorage.Address(view), view.storage_offset());
    }

    public static InitialWeights For(InstrumentContext context) => context.Shared("initial-weights", () => new InitialWeights(context));

    /// <summary>Whether the parameters were one flat buffer at creation (then <see cref="Distance"/> reads it with one kernel).</summary>
    internal bool IsFlat => _flat is not null;

    /// <summary>‖θ_0‖.</summary>
    public double Norm { get; }

    /// <summary>
    /// ‖θ_t − θ_0‖: over the one flat view when the parameters still live in the buffer they lived in at creation (one pass over
    /// θ_t and θ_0, <see cref="Torch.CpuReductions"/>), else float64 accumulation over the parameters.
    /// </summary>
    public double Distance(TrainingState state) => _context.PerStep(this, state.Step, () =>
    {
        using var noGrad = no_grad();
        if (_flat is { } flat && IsStill(flat)) return new StrongBox<double>(Math.Sqrt(Torch.CpuReductions.SquaredDistance(flat.View, flat.Initial)));
        var sum = 0.0;
        var parameters = _context.Parameters;
        for (var i = 0; i < parameters.Count; i++) sum += Torch.CpuReductions.SquaredDistance(parameters[i], _initial[i]);
        return new StrongBox<double>(Math.Sqrt(sum));
    }).Value;

    /// <summary>Whether the first parameter still starts the flat view (a model moved or re-pointed since then falls back to the parameters).</summary>
    private bool IsStill(Flat flat)
    {
        var first = _context.Parameters[0];
        return first.storage_offset() == flat.Offset && Torch.TensorStorage.Address(first) == flat.Address;
    }

    public void Dispose()
    {
        _flat?.View.Dispose();
        _flat?.Initial.Dispose();
        foreach (var t in _initial) t.Dispose();
    }
}
