using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// θ_t, copied in the BeforeUpdate hook of the steps after which a cadence is due (so that after the update
/// θ_{t+1} − θ_t is available). One per cadence, shared by the instruments of one [Track]. The copy goes into
/// buffers allocated once, in the parameters' own dtype: no allocation per step.
/// </summary>
public sealed class PreviousIterate : IDisposable
{
    private readonly InstrumentContext _context;
    private readonly Experiments.Cadence? _cadence;
    private Tensor[]? _values;
    private long _step = -1;

    private PreviousIterate(InstrumentContext context, Experiments.Cadence? cadence)
    {
        _context = context;
        _cadence = cadence;
        context.ObserveUpdates(cadence, OnBeforeUpdate);
    }

    public static PreviousIterate For(InstrumentContext context, Experiments.Cadence? cadence) =>
        context.Shared(("previous-iterate", (object?)cadence ?? "every step"), () => new PreviousIterate(context, cadence));

    private void OnBeforeUpdate(Training.TrainingState state)
    {
        if (_cadence is not null && !state.IsDueNext(_cadence)) return;
        using var noGrad = no_grad();
        var parameters = _context.Parameters;
        // Owned by this object: created outside any dispose scope's reach, freed in Dispose.
        _values ??= parameters.Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
        for (var i = 0; i < parameters.Count; i++) _values[i].copy_(parameters[i]);
        _step = state.Step;
    }

    /// <summary>θ_t per parameter (owned by this object), for the step that just finished (state.Step = t + 1).</summary>
    public IReadOnlyList<Tensor> ValuesBefore(Training.TrainingState state)
    {
        if (_values is null || _step != state.Step - 1)
            throw new InvalidOperationException(
                $"θ_{state.Step - 1} was not recorded: measure this instrument only at the steps its cadence makes due, and connect the context to the loop (InstrumentContext.Connect, or ClassificationLoop.BeforeUpdate += InstrumentContext.RaiseBeforeUpdate).");
        return _values;
    }

    public void Dispose()
    {
        _context.StopObservingUpdates(_cadence, OnBeforeUpdate);
        if (_values is not null) foreach (var t in _values) t.Dispose();
    }
}
