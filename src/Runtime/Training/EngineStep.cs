using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// What one update computed for every member: the mini-batch losses [K] (before the update, without a penalty),
/// the logits [K, B, outputs] and, with the gradient-norm penalty, each member's ‖∇L‖² [K] (null otherwise). When the
/// loop asked for the step's norms (<see cref="ITrainingEngine.Step"/>), <see cref="AppliedGradientNormsSquared"/> holds
/// each member's ‖g_t‖² (the gradient its optimizer applies, before weight decay or momentum) and
/// <see cref="UpdateNormsSquared"/> its ‖θ_{t+1} − θ_t‖², both float64 [K]; null otherwise.
/// </summary>
public readonly record struct EngineStep(Tensor Losses, Tensor Logits, Tensor? GradientNormsSquared = null)
{
    /// <summary>Each member's ‖g_t‖², float64 [K], when the step's norms were asked for.</summary>
    public Tensor? AppliedGradientNormsSquared { get; init; }

    /// <summary>Each member's ‖θ_{t+1} − θ_t‖², float64 [K], when the step's norms were asked for.</summary>
    public Tensor? UpdateNormsSquared { get; init; }
}
