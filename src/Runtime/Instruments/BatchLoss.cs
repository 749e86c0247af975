using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>Mean cross-entropy of the step's mini-batch, computed by the step itself (free apart from one read-back).</summary>
public sealed class BatchLoss : ScalarInstrument
{
    public override double Measure(TrainingState state) => state.BatchLoss.to_type(ScalarType.Float64).item<double>();
}
