using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>‖θ_{t+1} − θ_t‖ of the step just taken, in float64 (θ_t is copied in the BeforeUpdate hook only before measured steps).</summary>
public sealed class UpdateNorm : IInstrument, ICostReporting
{
    private readonly InstrumentContext _context;
    private readonly PreviousIterate _previous;
    private readonly CostMeter _cost = new();

    public UpdateNorm(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _previous = PreviousIterate.For(context, options.Cadence);
    }

    public string Name => nameof(UpdateNorm);
    public double ElapsedSeconds => _cost.ElapsedSeconds + _previous.Cost.ElapsedSeconds;
    public long Calls => _cost.Calls;

    public double Measure(TrainingState state) => _cost.Time(() => _previous.UpdateNorm(state));
}
