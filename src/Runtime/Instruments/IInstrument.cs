using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// A metric collector: one scalar column of an experiment's metric row. Instruments never change the
/// training trajectory (no gradient left behind, no draw from the global random stream) and free
/// every tensor they create before returning.
/// </summary>
public interface IInstrument : IDisposable
{
    string Name { get; }

    double Measure(TrainingState state);

    /// <summary>Instruments without tensors of their own have nothing to free.</summary>
    void IDisposable.Dispose()
    {
    }
}
