using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>What instruments share within one trial: the model, the data, and one evaluation per data split and step.</summary>
public sealed class InstrumentContext
{
    private const int EvaluationChunk = 2_000;
    private readonly Dictionary<string, (long Step, double Loss, double Accuracy)> _evaluations = [];

    public InstrumentContext(nn.Module<Tensor, Tensor> model, Data.ClassificationData data)
    {
        Model = model;
        Data = data;
    }

    public nn.Module<Tensor, Tensor> Model { get; }
    public Data.ClassificationData Data { get; }

    /// <summary>The trial's learning rate (for lr/B and instruments that scale with it).</summary>
    public double LearningRate { get; init; }

    /// <summary>The trial's batch size.</summary>
    public int BatchSize { get; init; }

    /// <summary>
    /// Raised before every optimizer update (see <see cref="Training.ClassificationLoop.BeforeUpdate"/>).
    /// Instruments that need θ_t or the mini-batch gradient subscribe in their constructor and use
    /// <see cref="Training.TrainingState.IsDueNext"/> with their options' cadence to work only when due.
    /// </summary>
    public event Action<Training.TrainingState>? BeforeUpdate;

    public void RaiseBeforeUpdate(Training.TrainingState state) => BeforeUpdate?.Invoke(state);

    /// <summary>Mean cross-entropy and accuracy of the model on a split, computed once per step in evaluation mode.</summary>
    public (double Loss, double Accuracy) Evaluate(string split, Tensor inputs, Tensor labels, long step)
    {
        if (_evaluations.TryGetValue(split, out var cached) && cached.Step == step)
            return (cached.Loss, cached.Accuracy);

        var result = Evaluate(Model, inputs, labels);
        _evaluations[split] = (step, result.Loss, result.Accuracy);
        return result;
    }

    public static (double Loss, double Accuracy) Evaluate(nn.Module<Tensor, Tensor> model, Tensor inputs, Tensor labels)
    {
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var n = inputs.shape[0];
            var lossSum = zeros(1, dtype: ScalarType.Float64, device: inputs.device);
            var correct = zeros(1, dtype: ScalarType.Int64, device: inputs.device);
            for (long start = 0; start < n; start += EvaluationChunk)
            {
                var length = Math.Min(EvaluationChunk, n - start);
                var logits = model.forward(inputs.narrow(0, start, length));
                var y = labels.narrow(0, start, length);
                lossSum.add_(nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.Sum).to_type(ScalarType.Float64));
                correct.add_(logits.argmax(1).eq(y).sum());
            }
            return (lossSum.item<double>() / n, (double)correct.item<long>() / n);
        }
        finally
        {
            if (wasTraining) model.train();
        }
    }
}
