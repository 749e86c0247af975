using Declarative.Runtime.Instruments.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The loss the full-batch instruments differentiate: mean cross-entropy of the model on the context's
/// fixed training subset, in evaluation mode (so that batch-norm running statistics are read, never
/// updated, and dropout is off: the measured function is deterministic and measuring never changes the
/// trajectory).
/// </summary>
internal static class FullBatch
{
    public static LossFunction Loss(InstrumentContext context, int examples)
    {
        var (x, y) = context.FixedSubset(examples);
        return () => nn.functional.cross_entropy(context.Model.forward(x), y);
    }

    /// <summary>The per-example cross-entropies on the context's fixed training subset (by chunks), and the subset's size.</summary>
    public static (ExampleLosses Losses, long Count) ExampleLosses(InstrumentContext context, int examples)
    {
        var (x, y) = context.FixedSubset(examples);
        return ((start, count) => nn.functional.cross_entropy(context.Model.forward(x.narrow(0, start, count)), y.narrow(0, start, count), reduction: nn.Reduction.None),
            x.shape[0]);
    }

    public static LossFunction Loss(nn.Module<Tensor, Tensor> model, Tensor x, Tensor y) =>
        () => nn.functional.cross_entropy(model.forward(x), y);

    /// <summary>Puts the model in evaluation mode until disposed.</summary>
    public static EvaluationMode Eval(InstrumentContext context) => new(context.Model);

    public readonly struct EvaluationMode : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> _model;
        private readonly bool _wasTraining;

        public EvaluationMode(nn.Module<Tensor, Tensor> model)
        {
            _model = model;
            _wasTraining = model.training;
            model.eval();
        }

        public void Dispose()
        {
            if (_wasTraining) _model.train();
        }
    }

    public static string[] AlphaLabels(double[] alphas) =>
        alphas.Select(a => a.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
