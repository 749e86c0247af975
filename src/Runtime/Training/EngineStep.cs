using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// What one update computed for every member: the mini-batch losses [K] (before the update, without a penalty),
/// the logits [K, B, outputs] and, with the gradient-norm penalty, each member's ‖∇L‖² [K] (null otherwise).
/// </summary>
public readonly record struct EngineStep(Tensor Losses, Tensor Logits, Tensor? GradientNormsSquared = null);
