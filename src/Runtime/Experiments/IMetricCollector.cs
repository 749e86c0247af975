namespace Declarative.Runtime.Experiments;

/// <summary>One trial's declared instruments (the generated <c>Collectors</c>): measured into a metric row when due.</summary>
public interface IMetricCollector : IDisposable
{
    /// <summary>The row of a step at which the experiment's cadences say something is due.</summary>
    IMetricRow Measure(Training.TrainingState state);
}
