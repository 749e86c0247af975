using System.Diagnostics;

namespace Declarative.Runtime.Instruments;

/// <summary>Accumulates the time an instrument spends; <see cref="Time"/> wraps a measurement, <see cref="TimeHook"/> work in the BeforeUpdate hook.</summary>
public sealed class CostMeter : ICostReporting
{
    private long _ticks;

    public double ElapsedSeconds => (double)_ticks / Stopwatch.Frequency;

    public long Calls { get; private set; }

    public T Time<T>(Func<T> measure)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return measure();
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - start;
            Calls++;
        }
    }

    public void TimeHook(Action work)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            work();
        }
        finally
        {
            _ticks += Stopwatch.GetTimestamp() - start;
        }
    }
}
