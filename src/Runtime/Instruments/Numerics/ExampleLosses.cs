using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// The losses of examples <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> − 1 of a fixed set,
/// one per example, at the current values of some parameters, with their autograd graph. Algorithms that need the loss of
/// a large set (and its gradient) call it chunk by chunk, so that only one chunk's graph is alive at a time.
/// </summary>
public delegate Tensor ExampleLosses(long start, long count);
