using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

public sealed class ObjectiveTests
{
    [Fact]
    public void Summed_loss_over_examples_divided_by_their_count_is_the_mean_loss()
    {
        using var scope = NewDisposeScope();
        var predictions = tensor(new[] { 0.5, -1.0, 2.0, 0.3, 1.0, 0.0 }, [3, 2], ScalarType.Float64);
        var targets = tensor(new[] { 0.0, -1.0, 1.0, 0.5, 1.0, 2.0 }, [3, 2], ScalarType.Float64);
        Assert.Equal(Objective.Loss(predictions, targets, regression: true).item<double>(), Objective.SumLoss(predictions, targets, regression: true).item<double>() / 3, 12);
        var labels = tensor(new long[] { 1, 0, 1 });
        Assert.Equal(Objective.Loss(predictions, labels, regression: false).item<double>(), Objective.SumLoss(predictions, labels, regression: false).item<double>() / 3, 12);
    }
}
