using Declarative.Runtime.Training;

namespace Declarative.Runtime.Instruments;

/// <summary>The trial's learning rate over its batch size, lr/B (Jastrzebski et al. 2017).</summary>
public sealed class LearningRateOverBatchSize(InstrumentContext context) : ScalarInstrument
{
    public override double Measure(TrainingState state) => context.LearningRate / context.BatchSize;
}
