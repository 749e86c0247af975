using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// Base of the vector instruments: the column name is the class's name and the length is the number of labels,
/// so an instrument states only its labels and its measurement.
/// </summary>
public abstract class VectorInstrument : IVectorInstrument
{
    protected VectorInstrument(IReadOnlyList<string> labels)
    {
        Name = GetType().Name;
        Labels = labels;
    }

    public string Name { get; }

    public int Length => Labels.Count;

    public IReadOnlyList<string> Labels { get; }

    public abstract double[] Measure(TrainingState state);

    public virtual void Dispose()
    {
    }
}
