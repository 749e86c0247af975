using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// Trains K ≥ 1 members, one update per call: a single trial is a pack of one. The training loop
/// (<see cref="ClassificationLoop"/>) owns everything around the update (epochs, each member's batch order,
/// learning rates, divergence, instruments); an engine owns the members' weights and computes, for every
/// member, its mini-batch loss, its gradient and its update. Engines differ in how, never in what:
/// <see cref="AutogradEngine"/> serves every model, optimizer and penalty through autograd;
/// <see cref="StackedMlpEngine"/> serves plain MLPs with the SGD family by a hand-written forward and backward
/// over stacked [K, ...] weights. <see cref="TrainingEngines"/> chooses one (and says why).
/// </summary>
public interface ITrainingEngine : IDisposable
{
    /// <summary>The number of members K.</summary>
    int Members { get; }

    /// <summary>Which engine this is (for <c>list</c>, provenance and tests).</summary>
    EngineKind Kind { get; }

    /// <summary>
    /// Member k's model as instruments see it, holding the member's current weights (an engine whose weights
    /// live elsewhere copies them in here, at most once per update).
    /// </summary>
    nn.Module<Tensor, Tensor> Model(int member);

    /// <summary>
    /// One update of every member. <paramref name="inputs"/> holds the K batches member after member
    /// ([K·B, ...]), <paramref name="labels"/> their labels ([K·B]); <paramref name="learningRates"/> is each
    /// member's learning rate for this update. When <paramref name="beforeUpdate"/> is not null it is called with the index of
    /// each member that <paramref name="observed"/> marks, after its gradient is computed and before its update, with the
    /// member's model holding θ_t and its parameters' <c>.grad</c> the member's mini-batch gradient (an engine whose weights
    /// live elsewhere copies them out for those members only). With <paramref name="norms"/>, the step also returns every
    /// member's ‖g_t‖² and ‖θ_{t+1} − θ_t‖² (<see cref="EngineStep.AppliedGradientNormsSquared"/>,
    /// <see cref="EngineStep.UpdateNormsSquared"/>) from its own buffers, so the cheap instruments need no hook and no copy of
    /// the weights. The returned tensors live in the caller's dispose scope.
    /// </summary>
    EngineStep Step(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<double> learningRates, Action<int>? beforeUpdate, IReadOnlyList<bool> observed, bool norms = false);
}
