using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// Detects a non-finite training loss without a host sync per step: each step's loss (a scalar, or one
/// loss per member of a pack) is copied into a slot of a small buffer on the loss's device (one device-side
/// copy, nothing allocated), and the buffer is read back only at a check: every <c>checkEvery</c> steps,
/// whenever the caller asks for one (epoch ends, the last step) and when the buffer is full. The first
/// non-finite loss and its step are kept, so a divergence is reported at the check (up to
/// <c>checkEvery</c> − 1 steps late) but names the step that produced it.
/// </summary>
public sealed class DivergenceMonitor : IDisposable
{
    /// <summary>Steps between read-backs by default: one host sync per 32 steps instead of one per step.</summary>
    public const int DefaultCheckEvery = 32;

    private readonly int _checkEvery;
    private Tensor? _buffer;
    private Tensor[] _slots = [];
    private long?[] _divergedAt = [];
    private double[] _divergedLoss = [];
    private long _firstStepInWindow;
    private int _count;
    private long _size;

    public DivergenceMonitor(int checkEvery = DefaultCheckEvery)
    {
        if (checkEvery <= 0) throw new ArgumentOutOfRangeException(nameof(checkEvery), checkEvery, "The divergence check interval must be at least one step.");
        _checkEvery = checkEvery;
    }

    /// <summary>The step of the first non-finite (scalar) loss seen at a check; null while all were finite.</summary>
    public long? DivergedAtStep => DivergedAt(0);

    /// <summary>The step of element <paramref name="member"/>'s first non-finite loss seen at a check.</summary>
    public long? DivergedAt(int member) => member < _divergedAt.Length ? _divergedAt[member] : null;

    /// <summary>Records the loss (a scalar, or a vector of member losses) of <paramref name="step"/> on its device.</summary>
    public void Record(Tensor loss, long step)
    {
        if (_buffer is null || _buffer.dtype != loss.dtype || _buffer.device_type != loss.device_type || _size != loss.numel())
        {
            Flush();
            DisposeBuffer();
            var size = (int)loss.numel();
            _size = size;
            // Created inside a step's dispose scope: detach so that they live as long as the monitor.
            _buffer = zeros([_checkEvery, size], dtype: loss.dtype, device: loss.device).DetachFromDisposeScope();
            _slots = Enumerable.Range(0, _checkEvery).Select(i => _buffer[i].DetachFromDisposeScope()).ToArray();
            if (_divergedAt.Length != size)
            {
                _divergedAt = new long?[size];
                _divergedLoss = Enumerable.Repeat(double.NaN, size).ToArray();
            }
        }
        if (_count == _checkEvery) Flush();
        if (_count == 0) _firstStepInWindow = step;
        _slots[_count++].copy_(loss); // a scalar loss broadcasts into its one-element slot
    }

    /// <summary>
    /// False once a non-finite loss has been found for <paramref name="member"/> (0 for a scalar loss;
    /// <paramref name="loss"/> is then the first one). Reads the buffer back when <paramref name="step"/> is a
    /// multiple of the interval or <paramref name="forceCheck"/>; otherwise returns true without a sync and
    /// <paramref name="loss"/> is NaN (not read).
    /// </summary>
    public bool IsFinite(long step, bool forceCheck, out double loss, int member = 0)
    {
        if (DivergedAt(member) is null && (forceCheck || step % _checkEvery == 0)) Flush();
        loss = member < _divergedLoss.Length ? _divergedLoss[member] : double.NaN;
        return DivergedAt(member) is null;
    }

    private void Flush()
    {
        if (_count == 0 || _buffer is null) { _count = 0; return; }
        using var scope = NewDisposeScope();
        var size = _divergedAt.Length;
        var values = _buffer.narrow(0, 0, _count).to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        for (var i = 0; i < _count; i++)
        {
            for (var m = 0; m < size; m++)
            {
                var v = values[i * size + m];
                if (double.IsFinite(v) || _divergedAt[m] is not null) continue;
                _divergedAt[m] = _firstStepInWindow + i;
                _divergedLoss[m] = v;
            }
        }
        _count = 0;
    }

    private void DisposeBuffer()
    {
        foreach (var slot in _slots) slot.Dispose();
        _slots = [];
        _buffer?.Dispose();
        _buffer = null;
    }

    public void Dispose() => DisposeBuffer();
}
