using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Base of the scalar instruments: the column name is the class's name, so an instrument states only its
/// measurement (and, if it owns tensors or subscriptions, how to free them).
/// </summary>
public abstract class ScalarInstrument : IInstrument
{
    protected ScalarInstrument() => Name = GetType().Name;

    public string Name { get; }

    public abstract double Measure(TrainingState state);

    public virtual void Dispose()
    {
    }
}
