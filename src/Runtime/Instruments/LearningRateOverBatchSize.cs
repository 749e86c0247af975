using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The trial's declared learning rate over its declared batch size, lr/B (Jastrzebski et al. 2017), as its training state holds them.</summary>
public sealed class LearningRateOverBatchSize : ScalarInstrument
{
    public override double Measure(TrainingState state) => state.DeclaredLearningRate / state.DeclaredBatchSize;
}
