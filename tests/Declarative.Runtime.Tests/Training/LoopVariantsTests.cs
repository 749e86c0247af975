using Declarative.Runtime.Data;
using Declarative.Runtime.Models;
using Declarative.Runtime.Schedules;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

public sealed class LoopVariantsTests
{
    private static ClassificationData Mixture(int train = 96) => Synthetic.GaussianMixture(classes: 3, dimension: 5, train: train, test: 12, seed: 1);

    private static (Mlp Model, optim.Optimizer Optimizer) Build(ClassificationData data, double lr = 0.1)
    {
        manual_seed(0);
        var model = Mlp.Create(data.InputSize, [8], data.OutputSize, CPU);
        return (model, optim.SGD(model.parameters(), lr));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(12)]
    public void Regime_adaptation_makes_the_same_number_of_updates_at_every_batch_size(int batchSize)
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data, lr: 0.1);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize, epochs: 2, seed: 3,
            new TrainingOptions { Regime = new RegimeAdaptation(BaseBatchSize: 8) });

        var steps = 0;
        var epochEnds = 0;
        while (loop.Next())
        {
            steps++;
            if (loop.State.IsEpochEnd) epochEnds++;
            Assert.Equal(0.1 * Math.Sqrt(batchSize / 8.0), loop.State.ScheduledLearningRate, 12);
            Assert.Equal(batchSize, loop.State.BatchLabels.shape[0]);
        }

        Assert.Equal(2 * (96 / 8), steps); // the base regime's updates, whatever the batch size
        Assert.Equal(24, loop.State.TotalSteps);
        Assert.Equal(24 / (96 / batchSize), epochEnds); // whole epochs inside the fixed budget
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Each_part_of_regime_adaptation_applies_alone(bool moreUpdates, bool scaledLearningRate)
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data, lr: 0.1);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 32, epochs: 2, seed: 3,
            new TrainingOptions { Regime = new RegimeAdaptation(BaseBatchSize: 8, moreUpdates, scaledLearningRate) });

        var steps = 0;
        while (loop.Next())
        {
            steps++;
            Assert.Equal(scaledLearningRate ? 0.1 * Math.Sqrt(32 / 8.0) : 0.1, loop.State.ScheduledLearningRate, 12);
        }

        Assert.Equal(moreUpdates ? 2 * (96 / 8) : 2 * (96 / 32), steps); // the base regime's updates, or the declared epochs' own
    }

    [Fact]
    public void Learning_rate_schedule_is_set_on_the_optimizer_before_each_update()
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data, lr: 123);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        var schedule = Schedule.Warmup(3, Schedule.Cosine(0.2, 0.02));
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 16, epochs: 2, seed: 0, new TrainingOptions { LearningRate = schedule });
        var seen = new List<(long Step, double Lr)>();
        loop.BeforeUpdate += state => seen.Add((state.Step, optimizer.ParamGroups.First().LearningRate));

        while (loop.Next()) { }

        Assert.Equal(12, seen.Count);
        foreach (var (step, lr) in seen) Assert.Equal(schedule.At(step, 12), lr, 15);
        Assert.Equal(0, seen[0].Lr);
    }

    [Fact]
    public void Batch_size_schedule_changes_the_batch_per_epoch_and_the_epoch_ends()
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        var options = new TrainingOptions { BatchSize = new BatchSizeSchedule(Schedule.Step(16, every: 1, gamma: 2)) };
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 16, epochs: 3, seed: 0, options);

        Assert.Equal([16, 32, 64], loop.EpochBatchSizes);
        Assert.Equal(6 + 3 + 1, loop.State.TotalSteps);
        var batches = new List<long>();
        var ends = new List<long>();
        var dueNext = new List<long>();
        var atEpochEnd = Declarative.Runtime.Experiments.Cadence.AtEpochEnd();
        loop.BeforeUpdate += state => { if (state.IsDueNext(atEpochEnd)) dueNext.Add(state.Step + 1); };
        while (loop.Next())
        {
            batches.Add(loop.State.BatchLabels.shape[0]);
            if (loop.State.IsEpochEnd) ends.Add(loop.State.Step);
        }
        Assert.Equal([16, 16, 16, 16, 16, 16, 32, 32, 32, 64], batches);
        Assert.Equal([6, 9, 10], ends);
        Assert.Equal([6, 9, 10], dueNext);
    }

    [Fact]
    public void Default_options_keep_the_plain_loop()
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data, lr: 0.05);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 10, epochs: 2, seed: 0);
        var beforeSteps = new List<long>();
        loop.BeforeUpdate += state => beforeSteps.Add(state.Step);

        var steps = 0;
        while (loop.Next())
        {
            steps++;
            Assert.True(loop.LossIsFinite(out _));
        }

        Assert.Equal(9, loop.StepsPerEpoch);
        Assert.Equal(18, steps);
        Assert.Equal(Enumerable.Range(0, 18).Select(i => (long)i), beforeSteps);
        Assert.Equal(0.05, optimizer.ParamGroups.First().LearningRate);
    }

    [Fact]
    public void Regression_task_trains_on_mean_squared_error()
    {
        using var data = Synthetic.QuadraticTarget(dimension: 4, train: 64, test: 16, noise: 0.1, seed: 2);
        Assert.True(data.IsRegression);
        Assert.Equal(1, data.OutputSize);
        var (model, optimizer) = Build(data, lr: 0.01);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 16, epochs: 1, seed: 0);

        while (loop.Next())
        {
            var mse = nn.functional.mse_loss(loop.State.BatchLogits, loop.State.BatchLabels).item<float>();
            Assert.Equal(mse, loop.State.BatchLoss.item<float>(), 6);
        }
        Assert.Equal(4, loop.State.Step);
    }

    [Fact]
    public void Explicit_total_updates_repeat_epochs_as_needed()
    {
        using var data = Mixture();
        var (model, optimizer) = Build(data);
        using var disposeModel = model;
        using var disposeOptimizer = optimizer;
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 32, epochs: 1, seed: 0, new TrainingOptions { TotalUpdates = 7 });
        var steps = 0;
        while (loop.Next()) steps++;
        Assert.Equal(7, steps);
        Assert.Equal(2, loop.State.Epoch);
    }
}
