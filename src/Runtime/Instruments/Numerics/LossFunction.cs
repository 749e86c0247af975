using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Computes a scalar loss at the current values of some parameters, with its autograd graph. The
/// numeric algorithms perturb the parameters in place, call the function, and restore them.
/// </summary>
public delegate Tensor LossFunction();
