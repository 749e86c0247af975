namespace Declarative.Runtime.Weights;

/// <summary>A tensor read from a <c>.npy</c> file: its dtype as written, its shape and its values widened to double.</summary>
public sealed record NpyArray(string Descr, IReadOnlyList<long> Shape, double[] Values);
