using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Training;

/// <summary>
/// The engine for every model, optimizer and penalty: each member is its own module and TorchSharp optimizer,
/// trained one after the other by autograd (forward, the task's loss, backward, or the gradient-norm penalty's
/// double backward, then the optimizer's step with the member's learning rate). Packing gains nothing here, so
/// <see cref="TrainingEngines"/> gives it one member at a time; it accepts K &gt; 1 all the same.
/// </summary>
public sealed class AutogradEngine : ITrainingEngine
{
    private readonly nn.Module<Tensor, Tensor>[] _models;
    private readonly optim.Optimizer[] _optimizers;
    private readonly double[] _learningRates;
    private readonly Tensor[][] _trainable;
    private readonly double _penalty;
    private readonly bool _regression;
    private Tensor[]?[]? _before;

    /// <param name="models">Each member's model.</param>
    /// <param name="optimizers">Each member's optimizer over its model's parameters.</param>
    /// <param name="regression">Mean squared error instead of cross-entropy (see <see cref="Objective"/>).</param>
    /// <param name="gradientPenalty">λ of the explicit gradient-norm penalty L + λ‖∇L‖² (0: off).</param>
    public AutogradEngine(IReadOnlyList<nn.Module<Tensor, Tensor>> models, IReadOnlyList<optim.Optimizer> optimizers, bool regression = false, double gradientPenalty = 0)
    {
        if (models.Count == 0) throw new ArgumentException("An engine trains at least one member.", nameof(models));
        if (optimizers.Count != models.Count) throw new ArgumentException($"{optimizers.Count} optimizers for {models.Count} models.", nameof(optimizers));
        if (gradientPenalty < 0 || double.IsNaN(gradientPenalty)) throw new ArgumentOutOfRangeException(nameof(gradientPenalty), gradientPenalty, "The gradient-norm penalty λ must be non-negative.");
        _models = models.ToArray();
        _optimizers = optimizers.ToArray();
        _regression = regression;
        _penalty = gradientPenalty;
        _learningRates = _optimizers.Select(o => o.ParamGroups.First().LearningRate).ToArray();
        _trainable = _models.Select(m => m.parameters().Where(p => p.requires_grad).Cast<Tensor>().ToArray()).ToArray();
    }

    public int Members => _models.Length;
    public EngineKind Kind => EngineKind.Autograd;

    /// <summary>Member k's own module (live: its parameters are the member's weights).</summary>
    public nn.Module<Tensor, Tensor> Model(int member) => _models[member];

    public EngineStep Step(Tensor inputs, Tensor labels, int batchSize, IReadOnlyList<double> learningRates, Action<int>? beforeUpdate, IReadOnlyList<bool> observed, bool norms = false)
    {
        var k = _models.Length;
        var losses = new Tensor[k];
        var logits = new Tensor[k];
        var penaltyNorms = _penalty > 0 ? new Tensor[k] : null;
        var gradientNorms = norms ? new double[k] : null;
        var updateNorms = norms ? new double[k] : null;
        for (var m = 0; m < k; m++)
        {
            var model = _models[m];
            var optimizer = _optimizers[m];
            if (_learningRates[m] != learningRates[m])
            {
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRates[m];
                _learningRates[m] = learningRates[m];
            }
            var x = k == 1 ? inputs : inputs.narrow(0, (long)m * batchSize, batchSize);
            var y = k == 1 ? labels : labels.narrow(0, (long)m * batchSize, batchSize);
            // Instruments that evaluate put the model in evaluation mode and restore it; walking the module tree every step is not free.
            if (!model.training) model.train();
            optimizer.zero_grad();
            var outputs = model.forward(x);
            var loss = Objective.Loss(outputs, y, _regression);
            if (penaltyNorms is not null) penaltyNorms[m] = GradientPenalty.Backward(loss, _trainable[m], _penalty);
            else loss.backward();
            if (observed[m]) beforeUpdate?.Invoke(m);
            if (norms)
            {
                // Any optimizer: the gradient it applies from .grad, its update as the difference of θ around its step.
                var parameters = _trainable[m];
                var before = Before(m);
                using (no_grad())
                {
                    gradientNorms![m] = Optimizers.SgdUpdate.SquaredNorms(parameters.Select(p => p.grad).ToArray(), 1)[0];
                    for (var i = 0; i < parameters.Length; i++) before[i].copy_(parameters[i]);
                }
                optimizer.step();
                using (no_grad()) updateNorms![m] = parameters.Select((p, i) => Torch.CpuReductions.SquaredDistance(p, before[i])).Sum();
            }
            else optimizer.step();
            losses[m] = loss.detach();
            logits[m] = outputs.detach();
        }
        var step = k == 1
            ? new EngineStep(losses[0].unsqueeze(0), logits[0].unsqueeze(0), penaltyNorms?[0].reshape(1))
            : new EngineStep(stack(losses), stack(logits), penaltyNorms is null ? null : stack(penaltyNorms.Select(n => n.reshape([])).ToArray()));
        return step with
        {
            AppliedGradientNormsSquared = gradientNorms is null ? null : tensor(gradientNorms, dtype: ScalarType.Float64, device: inputs.device),
            UpdateNormsSquared = updateNorms is null ? null : tensor(updateNorms, dtype: ScalarType.Float64, device: inputs.device),
        };
    }

    /// <summary>Member k's buffers for θ_t, allocated once, in the parameters' own dtype.</summary>
    private Tensor[] Before(int member)
    {
        _before ??= new Tensor[]?[_models.Length];
        return _before[member] ??= _trainable[member].Select(p => p.detach().clone().DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The members' models and optimizers belong to whoever built them; the engine frees its θ_t buffers.</summary>
    public void Dispose()
    {
        foreach (var t in (_before ?? []).SelectMany(b => b ?? [])) t.Dispose();
    }
}
