using Declarative.Runtime.Data;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

[Collection(Packing.GlobalRandomStream.Name)]
public sealed class DivergenceMonitorTests
{
    [Fact]
    public void A_non_finite_loss_is_found_at_the_next_check_and_names_its_step()
    {
        using var monitor = new DivergenceMonitor(checkEvery: 4);
        for (var step = 1; step <= 8; step++)
        {
            using var loss = tensor(step == 6 ? float.NaN : 1f / step);
            monitor.Record(loss, step);
            var finite = monitor.IsFinite(step, forceCheck: false, out var value);
            if (step < 8)
            {
                Assert.True(finite, $"step {step}");
                continue;
            }
            Assert.False(finite);
            Assert.True(double.IsNaN(value));
        }
        Assert.Equal(6, monitor.DivergedAtStep);
    }

    [Fact]
    public void A_forced_check_reads_at_once_and_the_first_non_finite_loss_wins()
    {
        using var monitor = new DivergenceMonitor(checkEvery: 100);
        using var a = tensor(float.PositiveInfinity);
        using var b = tensor(float.NaN);
        monitor.Record(a, 1);
        monitor.Record(b, 2);
        Assert.False(monitor.IsFinite(2, forceCheck: true, out var loss));
        Assert.Equal(double.PositiveInfinity, loss);
        Assert.Equal(1, monitor.DivergedAtStep);
    }

    [Fact]
    public void The_buffer_never_overflows_when_nobody_checks()
    {
        using var monitor = new DivergenceMonitor(checkEvery: 3);
        for (var step = 1; step <= 10; step++)
        {
            using var loss = tensor(step == 2 ? float.NaN : 1f);
            monitor.Record(loss, step);
        }
        Assert.False(monitor.IsFinite(10, forceCheck: true, out _));
        Assert.Equal(2, monitor.DivergedAtStep);
    }

    [Fact]
    public void Vector_losses_are_watched_per_member()
    {
        using var monitor = new DivergenceMonitor(checkEvery: 2);
        using var first = tensor(new[] { 1f, 2f, 3f });
        using var second = tensor(new[] { 1f, float.NaN, 3f });
        monitor.Record(first, 1);
        monitor.Record(second, 2);
        Assert.True(monitor.IsFinite(2, false, out _, member: 0));
        Assert.False(monitor.IsFinite(2, false, out _, member: 1));
        Assert.True(monitor.IsFinite(2, false, out _, member: 2));
        Assert.Equal(2, monitor.DivergedAt(1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    public void A_diverging_loop_is_detected_within_the_check_interval(int checkEvery)
    {
        using var data = Synthetic.GaussianMixture(classes: 3, dimension: 5, train: 2048, test: 12, seed: 1);
        manual_seed(0);
        using var model = Mlp.Create(data.InputSize, [8], data.OutputSize, CPU);
        using var optimizer = TorchSharp.torch.optim.SGD(model.parameters(), 1e8);
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 8, epochs: 1, seed: 0, new TrainingOptions { DivergenceCheckEvery = checkEvery });
        long? detected = null;
        long firstNonFinite = 0;
        while (loop.Next())
        {
            if (firstNonFinite == 0 && !float.IsFinite(loop.State.BatchLoss.item<float>())) firstNonFinite = loop.State.Step;
            if (!loop.LossIsFinite(out var loss))
            {
                detected = loop.State.Step;
                Assert.False(double.IsFinite(loss));
                break;
            }
        }
        Assert.NotEqual(0, firstNonFinite);
        Assert.Equal(firstNonFinite, loop.DivergedAtStep);
        Assert.NotNull(detected);
        Assert.InRange(detected!.Value - firstNonFinite, 0, checkEvery - 1);
        if (checkEvery == 1) Assert.Equal(firstNonFinite, detected);
    }
}
