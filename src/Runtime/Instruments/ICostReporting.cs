namespace Declarative.Runtime.Instruments;

/// <summary>An instrument that accounts for its own cost: wall-clock time spent measuring (including work done in the BeforeUpdate hook) and the number of measurements.</summary>
public interface ICostReporting
{
    double ElapsedSeconds { get; }

    long Calls { get; }
}
