using Declarative.Runtime.Instruments;
using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// ‖θ_t − θ_0‖ on the one-member stacked engine, which keeps a model's parameters in one flat buffer: the instrument reads
/// that buffer with one kernel, and must give the distance summed over the parameters one by one.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class DistanceFromInitTests
{
    [Fact]
    public void Distance_from_init_over_the_engines_flat_buffer_is_the_distance_over_the_parameters()
    {
        using var data = SoftmaxRegression.Data(60, 30, 4, 3, seed: 42);
        using var model = Mlp.Create(4, [5], 3, CPU, ScalarType.Float64);
        using var engine = StackedMlpEngine.Create([model], [new SgdMember()]);
        using var loop = new ClassificationLoop(engine, [new LoopMember(1, data, 0.5)], 10, 3, TrainingOptions.Default);
        using var context = new InstrumentContext(model, data);
        context.Connect(loop);
        var initial = context.Parameters.Select(p => p.detach().clone()).ToArray();
        using var distance = new DistanceFromInit(context);
        using var relative = new RelativeDistanceFromInit(context);
        Assert.True(InitialWeights.For(context).IsFlat, "the one-member engine's parameters were not seen as one buffer");

        for (var step = 1; step <= 5; step++)
        {
            Assert.True(loop.Next());
            var squared = context.Parameters.Zip(initial, (p, p0) => (p.detach() - p0).square().sum().item<double>()).Sum();
            var norm0 = Math.Sqrt(initial.Sum(p0 => p0.square().sum().item<double>()));
            Assert.True(Math.Sqrt(squared) > 0);
            Assert.Equal(Math.Sqrt(squared), distance.Measure(loop.State), 12);
            Assert.Equal(Math.Sqrt(squared) / norm0, relative.Measure(loop.State), 12);
        }
    }
}
