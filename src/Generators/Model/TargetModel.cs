namespace Declarative.Generators.Model
{
    /// <summary>
    /// A target budget (<c>[TrainUntil]</c>): the metric watched (a member name of the runtime's <c>TargetMetric</c>), the target
    /// value as a C# literal, and the examples it is checked on (0: the whole training set). Both budgets share it.
    /// </summary>
    internal sealed record TargetModel(string Metric, string Value, int Examples);
}
