using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>‖θ_t − θ_0‖ over all parameters, accumulated in float64. θ_0 is copied when the instrument is created.</summary>
public sealed class DistanceFromInit : IInstrument, ICostReporting, IDisposable
{
    private readonly CostMeter _cost = new();
    private readonly InstrumentContext _context;
    private readonly Tensor[] _initial;

    public DistanceFromInit(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        using var noGrad = no_grad();
        _initial = context.Model.parameters().Select(p => p.detach().clone()).ToArray();
        InitialNorm = Norm(_initial);
    }

    public string Name => nameof(DistanceFromInit);

    public double InitialNorm { get; }

    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double Measure(TrainingState state) => _cost.Time(() =>
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sum = zeros(1, dtype: ScalarType.Float64, device: _initial[0].device);
        var i = 0;
        foreach (var p in _context.Model.parameters())
            sum.add_((p - _initial[i++]).square().sum(ScalarType.Float64));
        return Math.Sqrt(sum.item<double>());
    });

    internal static double Norm(IEnumerable<Tensor> tensors)
    {
        using var scope = NewDisposeScope();
        var sum = 0.0;
        foreach (var t in tensors) sum += t.to_type(ScalarType.Float64).square().sum().item<double>();
        return Math.Sqrt(sum);
    }

    public void Dispose()
    {
        foreach (var t in _initial) t.Dispose();
    }
}

/// <summary>‖θ_t − θ_0‖ / ‖θ_0‖.</summary>
public sealed class RelativeDistanceFromInit(InstrumentContext context, InstrumentOptions options) : IInstrument, ICostReporting, IDisposable
{
    private readonly CostMeter _cost = new();
    public double ElapsedSeconds => _cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    private readonly DistanceFromInit _distance = new(context, options);

    public string Name => nameof(RelativeDistanceFromInit);

    public double Measure(TrainingState state) => _cost.Time(() => _distance.Measure(state) / _distance.InitialNorm);

    public void Dispose() => _distance.Dispose();
}
