using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// A metric collector whose column is a fixed-length vector (top-k eigenvalues, a loss profile over
/// a grid). Same rules as <see cref="IInstrument"/>: never change the trajectory, free every tensor.
/// </summary>
public interface IVectorInstrument : IDisposable
{
    string Name { get; }

    /// <summary>The length of every vector this instrument returns (fixed for a trial).</summary>
    int Length { get; }

    /// <summary>What each entry means (e.g. the alpha grid of a profile, or "λ1".."λk"); <see cref="Length"/> labels.</summary>
    IReadOnlyList<string> Labels { get; }

    double[] Measure(TrainingState state);

    void IDisposable.Dispose()
    {
    }
}
