using Declarative.Runtime.Instruments.Numerics;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// θ_t, copied in the BeforeUpdate hook of the steps after which a cadence is due (so that after the update
/// θ_{t+1} − θ_t is available). One per cadence, shared by the instruments of one [Track].
/// </summary>
public sealed class PreviousIterate : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;
    private Tensor? _values;
    private long _step = -1;

    private PreviousIterate(InstrumentContext context, Experiments.Cadence? cadence)
    {
        _context = context;
        _cadence = cadence;
        context.BeforeUpdate += OnBeforeUpdate;
    }

    /// <summary>Seconds spent copying in the hook (charged to the instruments that use it).</summary>
    public CostMeter Cost { get; } = new();

    public static PreviousIterate For(InstrumentContext context, Experiments.Cadence? cadence) =>
        context.Shared(("previous-iterate", (object?)cadence ?? "every step"), () => new PreviousIterate(context, cadence));

    private void OnBeforeUpdate(Training.TrainingState state)
    {
        if (_cadence is not null && !state.IsDueNext(_cadence)) return;
        Cost.TimeHook(() =>
        {
            _values?.Dispose();
            _values = ParameterVector.Flatten(_context.Parameters).DetachFromDisposeScope(); // outlives the step's dispose scope
            _step = state.Step;
        });
    }

    /// <summary>θ_t as a flat float64 vector, for the step that just finished (state.Step = t + 1).</summary>
    public Tensor ValuesBefore(Training.TrainingState state)
    {
        if (_values is null || _step != state.Step - 1)
            throw new InvalidOperationException(
                $"θ_{state.Step - 1} was not recorded: measure this instrument only at the steps its cadence makes due, and connect ClassificationLoop.BeforeUpdate to InstrumentContext.RaiseBeforeUpdate.");
        return _values;
    }

    public void Dispose()
    {
        _context.BeforeUpdate -= OnBeforeUpdate;
        _values?.Dispose();
    }
}
