using Declarative.Runtime.Data;
using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

/// <summary>
/// A single trial on the stacked MLP engine (a pack of one) must compute what autograd computes. In float64 the two
/// differ only by the order of floating-point operations (≤ 1e-12 relative on one step); in float32 training, SGD
/// carries rounding differences forward, so 64 steps are compared with 2e-5 absolute on the weights (measured about
/// 1e-6), while a wrong formula (a missing 1/B, a mask on the wrong layer, a transposed product) moves them by 1e-2 or
/// more. These are the tests of the hand-written single-trial step the engine replaced (MlpTrainingStep, deleted after
/// docs/benchmarks.md measured the two side by side).
/// </summary>
public sealed class OneMemberStepTests
{
    private const double Float64Tolerance = 1e-12;
    private const double Float32WeightTolerance = 2e-5;

    private static Mlp Model(ScalarType dtype, int inputs = 7, int[]? hidden = null, int outputs = 4, long seed = 3)
    {
        var generator = new Generator((ulong)seed);
        var model = new Mlp(inputs, hidden ?? [10, 9], outputs);
        model.to(dtype);
        using var noGrad = no_grad();
        foreach (var p in model.parameters()) p.copy_(randn(p.shape, dtype: dtype, generator: generator) * 0.4);
        return model;
    }

    private static (Tensor X, Tensor Y) Batch(int batch, ScalarType dtype, int inputs = 7, int classes = 4, long seed = 5)
    {
        var generator = new Generator((ulong)seed);
        return (randn([batch, inputs], dtype: dtype, generator: generator), randint(classes, [batch], generator: generator));
    }

    private static double MaxRelative(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var scale = Math.Max(1e-30, b.abs().max().to_type(ScalarType.Float64).item<double>());
        return (a - b).abs().max().to_type(ScalarType.Float64).item<double>() / scale;
    }

    private static ClassificationData Data() => Synthetic.GaussianMixture(classes: 4, dimension: 7, train: 256, test: 16, seed: 2);

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(33)]
    public void Loss_logits_and_gradients_equal_autograd_in_float64(int batch)
    {
        using var reference = Model(ScalarType.Float64);
        using var model = Model(ScalarType.Float64);
        var (x, y) = Batch(batch, ScalarType.Float64);
        using var dx = x;
        using var dy = y;

        var logits = reference.forward(x);
        var loss = nn.functional.cross_entropy(logits, y);
        loss.backward();

        using var engine = StackedMlpEngine.Create([model], [new SgdMember()]);
        var checkedGradients = false;
        var step = engine.Step(x, y, batch, [0.0], _ =>
        {
            foreach (var ((name, a), (_, b)) in model.named_parameters().Zip(reference.named_parameters()))
                Assert.True(MaxRelative(a.grad!, b.grad!) <= Float64Tolerance, $"∇{name}: max relative {MaxRelative(a.grad!, b.grad!)}");
            checkedGradients = true;
        }, [true]);

        Assert.True(checkedGradients, "the observer before the update was not called");
        Assert.True(MaxRelative(step.Losses[0], loss) <= Float64Tolerance, $"loss {step.Losses[0].item<double>()} vs {loss.item<double>()}");
        Assert.True(MaxRelative(step.Logits[0], logits.detach()) <= Float64Tolerance);
    }

    /// <summary>
    /// Float32 only (addmm_'s α is single precision in TorchSharp, so a float64 model never fuses): one GEMM accumulating
    /// into θ rounds once where gradient-then-update rounds twice, about 1e-7 relative. An observer before the update
    /// turns the fusion off (it must see the gradient), which gives the unfused reference.
    /// </summary>
    [Fact]
    public void The_fused_update_equals_gradient_then_sgd()
    {
        using var separate = Model(ScalarType.Float32);
        using var fused = Model(ScalarType.Float32);
        var (x, y) = Batch(24, ScalarType.Float32);
        const double lr = 0.3;
        using var a = StackedMlpEngine.Create([separate], [new SgdMember()]);
        using var b = StackedMlpEngine.Create([fused], [new SgdMember()]);
        for (var t = 0; t < 3; t++)
        {
            using var scope = NewDisposeScope();
            a.Step(x, y, 24, [lr], _ => { }, [true]);
            b.Step(x, y, 24, [lr], null, [false]);
        }
        foreach (var ((name, p), (_, q)) in fused.named_parameters().Zip(separate.named_parameters()))
            Assert.True(MaxRelative(p, q) <= 1e-6, $"{name}: max relative {MaxRelative(p, q)}");
    }

    [Theory]
    [InlineData(0.0, 0.0, false)]  // plain SGD: the update is fused into the backward pass
    [InlineData(0.9, 1e-3, false)] // momentum and weight decay: gradients into .grad, then SgdUpdate
    [InlineData(0.8, 0.0, true)]   // Nesterov
    public void A_float32_loop_on_the_one_member_stacked_engine_trains_as_the_autograd_loop(double momentum, double weightDecay, bool nesterov)
    {
        using var data = Data();
        using var handModel = Model(ScalarType.Float32);
        using var autoModel = Model(ScalarType.Float32);
        using var autoSgd = new FlatSgd(autoModel.parameters().ToList(), 0.05, momentum, weight_decay: weightDecay, nesterov: nesterov);
        using var engine = StackedMlpEngine.Create([handModel], [new SgdMember(momentum, weightDecay, nesterov)]);
        using var hand = new ClassificationLoop(engine, [new LoopMember(9, data, 0.05)], 16, epochs: 4, TrainingOptions.Default);
        using var auto = new ClassificationLoop(autoModel, autoSgd, data, 16, epochs: 4, seed: 9);
        Assert.Equal(EngineKind.StackedMlp, hand.Engine.Kind);
        Assert.Equal(EngineKind.Autograd, auto.Engine.Kind);

        var steps = 0;
        while (hand.Next() && auto.Next())
        {
            steps++;
            var l1 = hand.State.BatchLoss.item<float>();
            var l2 = auto.State.BatchLoss.item<float>();
            Assert.True(Math.Abs(l1 - l2) <= 2e-5 * (1 + Math.Abs(l2)), $"step {steps}: loss {l1} vs {l2}");
            Assert.True(MaxRelative(hand.State.BatchLogits, auto.State.BatchLogits) <= 1e-4, $"step {steps}: logits differ");
            Assert.True(hand.State.BatchLabels.eq(auto.State.BatchLabels).all().item<bool>(), "the data order must not change");
        }
        Assert.Equal(64, steps);
        foreach (var ((name, p), (_, q)) in handModel.named_parameters().Zip(autoModel.named_parameters()))
        {
            using var diff = (p - q).abs().max();
            Assert.True(diff.item<float>() <= Float32WeightTolerance, $"{name}: max |Δ| = {diff.item<float>()}");
        }
    }

    /// <summary>
    /// The step norms the cheap instruments read (‖g_t‖², ‖θ_{t+1} − θ_t‖²) come from each engine's own buffers: the stacked
    /// engine's gradient and η·direction (one member, and every member of a pack), the autograd engine's <c>.grad</c> and the
    /// difference around its optimizer's step. They must agree step by step (float32: 1e-4 relative).
    /// </summary>
    [Theory]
    [InlineData(0.0, 0.0, 1)]  // plain SGD: asking for norms turns the fused update off
    [InlineData(0.9, 1e-3, 1)] // momentum and weight decay: the direction is the momentum buffer plus decay
    [InlineData(0.9, 1e-3, 3)] // a pack of three: every member's norms from the stacked tensors
    public void The_step_norms_of_the_stacked_engine_equal_the_autograd_engines(double momentum, double weightDecay, int members)
    {
        using var data = Data();
        var hands = Enumerable.Range(0, members).Select(m => Model(ScalarType.Float32, seed: 3 + m)).ToArray();
        var autos = Enumerable.Range(0, members).Select(m => Model(ScalarType.Float32, seed: 3 + m)).ToArray();
        using var engine = StackedMlpEngine.Create(hands, hands.Select(_ => new SgdMember(momentum, weightDecay)).ToArray());
        using var hand = new ClassificationLoop(engine, hands.Select((_, m) => new LoopMember(9 + m, data, 0.05)).ToArray(), 16, epochs: 1, TrainingOptions.Default);
        var sgds = autos.Select(a => new FlatSgd(a.parameters().ToList(), 0.05, momentum, weight_decay: weightDecay)).ToArray();
        var auto = autos.Select((a, m) => new ClassificationLoop(a, sgds[m], data, 16, epochs: 1, seed: 9 + m)).ToArray();
        try
        {
            for (var m = 0; m < members; m++)
            {
                hand.MeasureNorms(m, state => state.Step % 2 == 0); // before updates 0, 2, 4, ...: norms after steps 1, 3, 5, ...
                auto[m].MeasureNorms(0, state => state.Step % 2 == 0);
            }
            var steps = 0;
            while (hand.Next())
            {
                steps++;
                for (var m = 0; m < members; m++)
                {
                    Assert.True(auto[m].Next());
                    var (h, a) = (hand.Member(m), auto[m].State);
                    if (steps % 2 == 0)
                    {
                        Assert.Null(h.AppliedGradientNormSquared);
                        Assert.Null(h.UpdateNormSquared);
                        continue;
                    }
                    foreach (var (x, y, what) in new[] { (h.AppliedGradientNormSquared!, a.AppliedGradientNormSquared!, "‖g‖²"), (h.UpdateNormSquared!, a.UpdateNormSquared!, "‖Δθ‖²") })
                    {
                        var (hv, av) = (x.item<double>(), y.item<double>());
                        Assert.True(av > 0 && Math.Abs(hv - av) <= 1e-4 * av, $"member {m}, step {steps}: {what} {hv} (stacked) vs {av} (autograd)");
                    }
                }
            }
            Assert.Equal(16, steps);
        }
        finally
        {
            foreach (var loop in auto) loop.Dispose();
            foreach (var sgd in sgds) sgd.Dispose();
            foreach (var model in hands.Concat(autos)) model.Dispose();
        }
    }

    [Fact]
    public void An_observer_before_the_update_sees_the_mini_batch_gradient()
    {
        using var data = Data();
        using var handModel = Model(ScalarType.Float32);
        using var autoModel = Model(ScalarType.Float32);
        using var autoSgd = optim.SGD(autoModel.parameters(), 0.1);
        using var engine = StackedMlpEngine.Create([handModel], [new SgdMember()]);
        using var hand = new ClassificationLoop(engine, [new LoopMember(4, data, 0.1)], 32, epochs: 1, TrainingOptions.Default);
        using var auto = new ClassificationLoop(autoModel, autoSgd, data, 32, epochs: 1, seed: 4);
        var seen = new List<Tensor[]>();
        var expected = new List<Tensor[]>();
        hand.BeforeUpdate += _ => seen.Add(handModel.parameters().Select(p => p.grad!.clone().DetachFromDisposeScope()).ToArray());
        auto.BeforeUpdate += _ => expected.Add(autoModel.parameters().Select(p => p.grad!.clone().DetachFromDisposeScope()).ToArray());
        while (hand.Next() && auto.Next()) { }

        Assert.Equal(hand.State.TotalSteps, seen.Count);
        Assert.Equal(seen.Count, expected.Count);
        for (var t = 0; t < seen.Count; t++)
            for (var i = 0; i < seen[t].Length; i++)
                Assert.True(MaxRelative(seen[t][i], expected[t][i]) <= 1e-4, $"step {t + 1}, parameter {i}: max relative {MaxRelative(seen[t][i], expected[t][i])}");
        foreach (var t in seen.Concat(expected).SelectMany(g => g)) t.Dispose();
    }

    [Fact]
    public void It_supports_plain_and_batch_norm_mlps_on_classification_only()
    {
        using var data = Data();
        using var plain = Model(ScalarType.Float32);
        using var normalized = new Mlp(7, [10], 4, ModelNormalization.Batch);
        using var ghost = new Mlp(7, [10], 4, ModelNormalization.Ghost(4));
        using var cnn = SmallCnn.Create([1, 8, 8], 4, CPU, ModelOptions.Default);
        using var regression = Synthetic.QuadraticTarget(dimension: 7, train: 64, test: 8, noise: 0.1, seed: 1);

        Assert.True(StackedMlpEngine.Supports(plain, data, out _));
        Assert.True(StackedMlpEngine.Supports(normalized, data, out _));
        Assert.False(StackedMlpEngine.Supports(ghost, data, out var why));
        Assert.Contains("ghost batch norm", why);
        Assert.False(StackedMlpEngine.Supports(cnn, data, out why));
        Assert.Contains("not an MLP", why);
        Assert.False(StackedMlpEngine.Supports(plain, regression, out why));
        Assert.Contains("regression", why);
    }

    [Fact]
    public void Replacing_a_gradient_is_caught()
    {
        using var model = Model(ScalarType.Float32);
        using var engine = StackedMlpEngine.Create([model], [new SgdMember()]);
        var first = model.parameters().First();
        first.grad = zeros_like(first);
        Assert.Throws<InvalidOperationException>(() => engine.Verify());
    }
}
