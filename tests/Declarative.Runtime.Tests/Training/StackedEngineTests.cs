using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Models;
using Declarative.Runtime.Optimizers;
using Declarative.Runtime.Tests.Packing;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Training;

/// <summary>
/// Each member of a pack on the stacked MLP engine must train exactly as its trial alone on the autograd engine, up
/// to float32 rounding. The pack computes the same arithmetic with batched products (<c>bmm</c>) and the SGD update with
/// per-member tensors (<c>addcmul</c>) where autograd and <see cref="FlatSgd"/> use <c>addmm</c> and scalars: every
/// operation can round differently in the last bit (float32 ε ≈ 1.2e-7), and SGD carries those differences forward.
/// Over the 64 steps tested, weights stay within 2e-5 absolute and losses within 2e-5 relative (measured: about 1e-6); a
/// logic error (another member's data order, initialisation, schedule or hyper-parameters) moves them by 1e-2 or more.
/// When every member is plain SGD, each member's weight update is fused into its gradient product (one <c>addmm_</c> per member,
/// as a member alone does it). The one-member stacked step (bias copy + <c>addmm_</c> into preallocated buffers, the plain-SGD
/// update fused into the weight-gradient products) is tested against autograd in <see cref="OneMemberStepTests"/>.
/// </summary>
[Collection(GlobalRandomStream.Name)]
public sealed class StackedEngineTests
{
    private const double WeightTolerance = 2e-5;
    private const double LossTolerance = 2e-5;

    private static TrialSpec Spec(int seed, OptimizerKind kind = OptimizerKind.Sgd, double lr = 0.1, double momentum = 0, double weightDecay = 0, int batch = 16) => new()
    {
        Seed = seed,
        Settings = new ExperimentSettings(Epochs: 2, Seeds: 4, TrainSubset: 0, TestSubset: 0),
        Data = new DataSpec(DataSetKind.GaussianMixture) { Classes = 4, Dimensions = 12, Train = 512, Test = 64, Separation = 1.5 },
        Model = new ModelSpec(ModelKind.Mlp) { Sizes = [24, 16] },
        Optimizer = new OptimizerSpec { Kind = kind, LearningRate = lr, Momentum = momentum, WeightDecay = weightDecay, BatchSize = batch },
    };

    private static TrialContext Context(DataCatalog catalog) => new(CPU, catalog, new BufferedMetricSink());

    private static TrialSpec[] Mixed() =>
    [
        Spec(0),
        Spec(1, lr: 0.05),
        Spec(2, OptimizerKind.Momentum, lr: 0.05, momentum: 0.9),
        Spec(3, OptimizerKind.Nesterov, lr: 0.02, momentum: 0.8, weightDecay: 1e-3),
        Spec(0, OptimizerKind.Sgd, lr: 0.2, weightDecay: 5e-3),
    ];

    /// <summary>Members with schedules: each its own learning-rate schedule (step, cosine, cyclical, warm-up), one batch-size schedule.</summary>
    private static TrialSpec[] Scheduled()
    {
        var batch = new ScheduleSpec { Kind = ScheduleKind.Step, Period = 1, Factor = 2 };
        return
        [
            Spec(0, lr: 0.1) with { LearningRateSchedule = new ScheduleSpec { Kind = ScheduleKind.Step, Period = 10, Factor = 0.5 }, BatchSizeSchedule = batch },
            Spec(1, OptimizerKind.Momentum, lr: 0.05, momentum: 0.9) with { LearningRateSchedule = new ScheduleSpec { Kind = ScheduleKind.Cosine, Minimum = 0.001 }, BatchSizeSchedule = batch },
            Spec(2, OptimizerKind.Nesterov, lr: 0.05, momentum: 0.5, weightDecay: 1e-3) with { LearningRateSchedule = new ScheduleSpec { Kind = ScheduleKind.Cyclical, Minimum = 0.01, Period = 12, WarmupSteps = 5 }, BatchSizeSchedule = batch },
            Spec(3, lr: 0.1) with { BatchSizeSchedule = batch },
        ];
    }

    private static (List<double> Losses, Mlp Model, TrialSetup Setup) Train(TrialSpec spec, TrialContext context, EngineKind engine)
    {
        var setup = TrialSetup.Create([spec], context, engine);
        Assert.Equal(engine, setup.Engine.Kind);
        var losses = new List<double>();
        while (setup.Loop.Next()) losses.Add(setup.Loop.State.BatchLoss.to_type(ScalarType.Float64).item<double>());
        return (losses, (Mlp)setup.Model, setup);
    }

    private static void MembersEqualTheirTrialsAlone(TrialSpec[] specs, long expectedSteps)
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        Assert.True(TrainingEngines.CanPack(specs, out var reason), reason);

        using var pack = TrialSetup.Create(specs, context);
        Assert.Equal(EngineKind.StackedMlp, pack.Engine.Kind);
        Assert.Equal(specs.Length, pack.Engine.Members);
        var packedLosses = specs.Select(_ => new List<double>()).ToArray();
        while (pack.Loop.Next())
            for (var m = 0; m < specs.Length; m++) packedLosses[m].Add(pack.Loop.Member(m).BatchLoss.to_type(ScalarType.Float64).item<double>());
        Assert.Equal(expectedSteps, pack.Loop.State.Step);

        for (var m = 0; m < specs.Length; m++)
        {
            var (losses, alone, setup) = Train(specs[m], context, EngineKind.Autograd);
            using var owned = setup;
            Assert.Equal(losses.Count, packedLosses[m].Count);
            for (var t = 0; t < losses.Count; t++)
                Assert.True(Math.Abs(losses[t] - packedLosses[m][t]) <= LossTolerance * (1 + Math.Abs(losses[t])), $"member {m} step {t + 1}: alone {losses[t]}, packed {packedLosses[m][t]}");
            var member = (Mlp)pack.Loop.Member(m).Model;
            foreach (var ((name, a), (_, b)) in alone.named_parameters().Zip(member.named_parameters()))
            {
                var diff = (a - b).abs().max().item<float>();
                Assert.True(diff <= WeightTolerance, $"member {m} {name}: max |Δ| = {diff}");
            }
            // Batch norm's running statistics (what evaluation uses), relative: the running variance grows with the activations.
            foreach (var ((name, a), (_, b)) in alone.named_buffers().Zip(member.named_buffers()).Where(p => p.First.Item2.is_floating_point()))
            {
                var diff = ((a - b).abs() / (1 + a.abs())).max().item<float>();
                Assert.True(diff <= WeightTolerance, $"member {m} {name}: max relative |Δ| = {diff}");
            }
            var evalAlone = Runtime.Instruments.InstrumentContext.Evaluate(alone, pack.Data.TestInputs, pack.Data.TestLabels).Loss;
            var evalMember = Runtime.Instruments.InstrumentContext.Evaluate(member, pack.Data.TestInputs, pack.Data.TestLabels).Loss;
            Assert.True(Math.Abs(evalAlone - evalMember) <= LossTolerance * (1 + evalAlone), $"member {m} test loss: alone {evalAlone}, packed {evalMember}");
        }
    }

    [Fact]
    public void Each_member_of_a_pack_trains_as_its_trial_alone_on_the_autograd_engine() => MembersEqualTheirTrialsAlone(Mixed(), 64);

    /// <summary>Every member plain SGD and nobody observing: each member's weight update is fused into its gradient product.</summary>
    [Fact]
    public void Plain_sgd_members_with_their_own_learning_rates_train_as_their_trials_alone_with_the_fused_update() =>
        MembersEqualTheirTrialsAlone([Spec(0), Spec(1, lr: 0.05), Spec(2, lr: 0.2), Spec(3, lr: 0.1)], 64);

    /// <summary>
    /// Plain-SGD members sharing one step: all members' weights are updated by one in-place batched product (libtorch's
    /// <c>baddbmm_</c>, <see cref="Runtime.Torch.TorchNative"/>), at one thread and at two. Each way, each member trains as its
    /// trial alone. (This class runs alone, so setting TorchSharp's process-wide thread count here moves no other test.)
    /// </summary>
    [Fact]
    public void Plain_sgd_members_sharing_one_step_train_as_their_trials_alone_with_one_thread_and_with_two()
    {
        var threads = get_num_threads();
        try
        {
            foreach (var t in new[] { 1, 2 })
            {
                set_num_threads(t);
                MembersEqualTheirTrialsAlone([Spec(0), Spec(1), Spec(2)], 64);
            }
        }
        finally
        {
            set_num_threads(threads);
        }
    }

    /// <summary>
    /// The fused pack (one <c>addmm_</c> per member accumulating into its weights) against the same pack with an observer
    /// before the update, which turns the fusion off (gradient, then <see cref="SgdUpdate"/>): one rounding where the
    /// other has two, about 1e-7 relative a step; and the fused path must be the one taken, so the two differ.
    /// </summary>
    [Fact]
    public void A_packs_fused_update_equals_gradient_then_sgd()
    {
        Mlp Model(long seed)
        {
            var generator = new Generator((ulong)seed);
            var model = new Mlp(7, [10, 9], 4);
            using var noGrad = no_grad();
            foreach (var q in model.parameters()) q.copy_(randn(q.shape, generator: generator) * 0.4f);
            return model;
        }
        var members = new SgdMember[] { new(), new() };
        double[] rates = [0.3, 0.1];
        using var a0 = Model(1);
        using var a1 = Model(2);
        using var b0 = Model(1);
        using var b1 = Model(2);
        using var separate = StackedMlpEngine.Create([a0, a1], members);
        using var fused = StackedMlpEngine.Create([b0, b1], members);
        var generator = new Generator(5);
        using var x = randn([2 * 24, 7], generator: generator);
        using var y = randint(4, [2 * 24], generator: generator);
        for (var t = 0; t < 3; t++)
        {
            using var scope = NewDisposeScope();
            separate.Step(x, y, 24, rates, _ => { }, [true, true]);
            fused.Step(x, y, 24, rates, null, [false, false]);
        }
        var largest = 0.0;
        for (var l = 0; l < separate.Weights.Count; l++)
        {
            foreach (var (p, q) in new[] { (separate.Weights[l], fused.Weights[l]), (separate.Biases[l], fused.Biases[l]) })
            {
                var relative = ((p - q).abs() / (q.abs() + 1e-6f)).max().item<float>();
                Assert.True(relative <= 1e-5, $"layer {l}: max relative {relative}");
                largest = Math.Max(largest, (p - q).abs().max().item<float>());
            }
        }
        Assert.True(largest > 0, "the fused and unfused packs agree to the bit: the fused path was not taken");
    }

    [Fact]
    public void Members_with_their_own_learning_rate_schedules_and_a_batch_size_schedule_train_as_their_trials_alone() =>
        MembersEqualTheirTrialsAlone(Scheduled(), 32 + 16);

    [Fact]
    public void Members_with_regime_adaptation_train_as_their_trials_alone() =>
        MembersEqualTheirTrialsAlone([Spec(0, batch: 32) with { RegimeBaseBatchSize = 16 }, Spec(1, OptimizerKind.Momentum, lr: 0.05, momentum: 0.9, batch: 32) with { RegimeBaseBatchSize = 16 }], 64);

    [Fact]
    public void Members_with_batch_norm_train_as_their_trials_alone_and_evaluate_with_their_own_running_statistics() =>
        MembersEqualTheirTrialsAlone(Mixed().Select(s => s with { Model = s.Model with { Normalization = Normalization.BatchNorm } }).ToArray(), 64);

    [Fact]
    public void Members_with_label_noise_train_on_the_labels_their_trials_draw_alone()
    {
        TrialSpec Noisy(int seed, double lr) => Spec(seed, lr: lr) with { Data = Spec(seed).Data with { LabelNoise = 0.3 } };
        var specs = new[] { Noisy(0, 0.1), Noisy(1, 0.1), Noisy(2, 0.05) };
        MembersEqualTheirTrialsAlone(specs, 64);
        using var catalog = new DataCatalog();
        using var pack = TrialSetup.Create(specs, Context(catalog));
        for (var m = 0; m < specs.Length; m++)
        {
            using var alone = TrialSetup.Create(specs[m], Context(catalog));
            Assert.True(alone.Data.TrainLabels.eq(pack.MemberData[m].TrainLabels).all().item<bool>(), $"member {m} sees other labels than its trial");
        }
        Assert.False(pack.MemberData[0].TrainLabels.eq(pack.MemberData[1].TrainLabels).all().item<bool>(), "two seeds flip different labels");
    }

    [Fact]
    public void A_trial_alone_on_the_stacked_engine_trains_as_on_the_autograd_engine()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        foreach (var spec in Mixed().Concat(Scheduled()).Concat(Mixed().Take(3).Select(s => s with { Model = s.Model with { Normalization = Normalization.BatchNorm } })))
        {
            var (stacked, stackedModel, s1) = Train(spec, context, EngineKind.StackedMlp);
            var (auto, autoModel, s2) = Train(spec, context, EngineKind.Autograd);
            using var a = s1;
            using var b = s2;
            Assert.Equal(auto.Count, stacked.Count);
            for (var t = 0; t < auto.Count; t++)
                Assert.True(Math.Abs(auto[t] - stacked[t]) <= LossTolerance * (1 + Math.Abs(auto[t])), $"{spec.Optimizer.Kind} step {t + 1}: autograd {auto[t]}, stacked {stacked[t]}");
            foreach (var ((name, p), (_, q)) in autoModel.named_parameters().Zip(stackedModel.named_parameters()))
                Assert.True((p - q).abs().max().item<float>() <= WeightTolerance, $"{spec.Optimizer.Kind} {name}");
        }
    }

    private static Mlp NewMlp()
    {
        var generator = new Generator(3);
        var model = new Mlp(7, [10, 9], 4);
        using var noGrad = no_grad();
        foreach (var p in model.parameters()) p.copy_(randn(p.shape, generator: generator) * 0.4);
        return model;
    }

    [Fact]
    public void A_member_starts_from_its_trials_initial_weights_exactly()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        var specs = new[] { Spec(5), Spec(6) };
        using var pack = TrialSetup.Create(specs, context);
        var stacked = (StackedMlpEngine)pack.Engine;
        for (var m = 0; m < specs.Length; m++)
        {
            using var alone = TrialSetup.Create([specs[m]], context, EngineKind.Autograd);
            var layers = alone.Model.parameters().ToArray();
            for (var l = 0; l < stacked.Weights.Count; l++)
            {
                Assert.True(layers[2 * l].Same(stacked.Weights[l][m]), $"member {m} layer {l} weight");
                Assert.True(layers[2 * l + 1].Same(stacked.Biases[l][m]), $"member {m} layer {l} bias");
            }
        }
    }

    [Fact]
    public void Member_state_serves_instruments_with_the_members_model_and_batch()
    {
        using var catalog = new DataCatalog();
        var specs = new[] { Spec(0), Spec(1, lr: 0.05) };
        using var pack = TrialSetup.Create(specs, Context(catalog));
        Assert.True(pack.Loop.Next());
        var state = pack.Loop.Member(1);
        Assert.Equal(1, state.Step);
        Assert.Equal(1, state.Member);
        Assert.Equal(16, state.BatchLabels.shape[0]);
        Assert.Equal(0.05, state.ScheduledLearningRate);
        // The member's model holds its weights after the update: its loss on the step's batch is below the batch loss before it.
        using var logits = state.Model.forward(pack.Data.TrainInputs.narrow(0, 0, 4));
        Assert.True(double.IsFinite(logits.sum().item<float>()));
        Assert.Same(pack.Models[1], state.Model);
    }

    [Fact]
    public void A_diverging_member_is_reported_without_stopping_the_others()
    {
        using var catalog = new DataCatalog();
        var outcomes = TrialDriver.Run([Spec(0), Spec(1, lr: 1e6)], Context(catalog));
        Assert.Equal(TrialStatus.Done, outcomes[0].Status);
        Assert.Equal(64, outcomes[0].Steps);
        Assert.Equal(TrialStatus.Diverged, outcomes[1].Status);
    }

    private sealed class Collector(Func<TrainingState, IMetricRow> measure) : IMetricCollector
    {
        public IMetricRow Measure(TrainingState state) => measure(state);
        public void Dispose() { }
    }

    [Fact]
    public void A_diverged_members_step_is_the_one_whose_loss_first_went_non_finite_and_no_row_after_it_is_kept()
    {
        using var catalog = new DataCatalog();
        var specs = new[] { Spec(0), Spec(1, lr: 1e6) };
        var sinks = specs.Select(_ => new BufferedMetricSink()).ToArray();
        var contexts = sinks.Select(s => new TrialContext(CPU, catalog, s)).ToArray();
        var outcomes = TrialDriver.Run(specs, contexts, (_, _, _) => true, (_, _) => new Collector(state => new Row(state.Step, state.BatchLoss.item<float>())));

        Assert.Equal(TrialStatus.Diverged, outcomes[1].Status);
        var rows = sinks[1].Rows.Cast<Row>().ToArray();
        var first = rows.First(r => !double.IsFinite(r.TestLoss)).Step;
        Assert.Equal(first, outcomes[1].Steps);
        Assert.True(rows.Max(r => r.Step) > first, "the loop notices divergence only at its next check, so rows after it exist before filtering");
        var kept = outcomes[1].Kept(sinks[1].Rows);
        Assert.Equal(first, kept.Max(r => r.Step));
        Assert.All(kept.Cast<Row>().Where(r => r.Step < first), r => Assert.True(double.IsFinite(r.TestLoss)));
    }

    [Fact]
    public void The_driver_writes_each_members_rows_to_its_own_sink_with_the_values_its_trial_alone_measures()
    {
        using var catalog = new DataCatalog();
        var specs = new[] { Spec(0), Spec(1, OptimizerKind.Momentum, lr: 0.05, momentum: 0.9) };
        var sinks = specs.Select(_ => new BufferedMetricSink()).ToArray();
        var contexts = sinks.Select(s => new TrialContext(CPU, catalog, s)).ToArray();
        var cadence = Cadence.Every(16);
        IMetricCollector TestLoss(int m, Runtime.Instruments.InstrumentContext c) =>
            new Collector(state => new Row(state.Step, Runtime.Instruments.InstrumentContext.Evaluate(state.Model, state.Data.TestInputs, state.Data.TestLabels).Loss));
        var outcomes = TrialDriver.Run(specs, contexts, (step, end, last) => cadence.IsDue(step, end, last), TestLoss);
        Assert.All(outcomes, o => Assert.Equal(TrialStatus.Done, o.Status));

        for (var m = 0; m < specs.Length; m++)
        {
            var rows = sinks[m].Rows.Cast<Row>().ToArray();
            Assert.Equal([16L, 32, 48, 64], rows.Select(r => r.Step));
            var alone = new BufferedMetricSink();
            TrialDriver.Run([specs[m]], [new TrialContext(CPU, catalog, alone)], (step, end, last) => cadence.IsDue(step, end, last), TestLoss);
            var expected = alone.Rows.Cast<Row>().ToArray();
            Assert.Equal(expected.Select(r => r.Step), rows.Select(r => r.Step));
            for (var i = 0; i < rows.Length; i++)
                Assert.True(Math.Abs(rows[i].TestLoss - expected[i].TestLoss) <= LossTolerance * (1 + expected[i].TestLoss), $"member {m} row {i}: {rows[i].TestLoss} vs {expected[i].TestLoss}");
        }
    }

    private sealed record Row(long Step, double TestLoss) : IMetricRow
    {
        public int Epoch => 0;
        public double? GetValue(int column) => TestLoss;
        public double[]? GetVector(int column) => null;
    }

    [Fact]
    public void One_place_decides_the_engine_and_the_packs()
    {
        Assert.True(TrainingEngines.CanPack([Spec(0), Spec(1, OptimizerKind.Momentum, momentum: 0.9)]));
        Assert.False(TrainingEngines.CanPack([Spec(0), Spec(1, batch: 32)], out var reason));
        Assert.Contains("differs", reason);
        Assert.False(TrainingEngines.CanPack([Spec(0) with { Model = new ModelSpec(ModelKind.Mlp) { Sizes = [8] } }, Spec(1)]));
        Assert.False(TrainingEngines.CanPack([Spec(0, OptimizerKind.Adam)], out reason));
        Assert.Contains("Adam", reason);
        Assert.False(TrainingEngines.CanPack([Spec(0) with { GradientPenalty = 0.1 }]));
        Assert.True(TrainingEngines.CanPack([Spec(0) with { LearningRateSchedule = new ScheduleSpec { Kind = ScheduleKind.Cosine } }, Spec(1)]));
        TrialSpec Noisy(int seed, double fraction) => Spec(seed) with { Data = Spec(seed).Data with { LabelNoise = fraction } };
        Assert.True(TrainingEngines.CanPack([Noisy(0, 0.2), Noisy(1, 0.2)]));   // each member draws its own flips from its seed
        Assert.False(TrainingEngines.CanPack([Noisy(0, 0.2), Noisy(1, 0.4)]));  // but the fraction is part of the data set
        TrialSpec Normalized(int seed, Normalization normalization) => Spec(seed) with { Model = Spec(seed).Model with { Normalization = normalization } };
        Assert.True(TrainingEngines.CanPack([Normalized(0, Normalization.BatchNorm), Normalized(1, Normalization.BatchNorm)]));
        Assert.False(TrainingEngines.CanPack([Normalized(0, Normalization.None), Normalized(1, Normalization.BatchNorm)])); // the engine stacks one or the other
        Assert.Equal([[0, 2], [1, 3]], TrainingEngines.Groups([Normalized(0, Normalization.None), Normalized(0, Normalization.BatchNorm), Normalized(1, Normalization.None), Normalized(1, Normalization.BatchNorm)], maxMembers: 16)
            .Select(g => g.ToArray()).ToArray());

        Assert.Equal(EngineKind.StackedMlp, TrainingEngines.For(Spec(0, OptimizerKind.Nesterov, momentum: 0.9)).Engine);
        var adam = TrainingEngines.For(Spec(0, OptimizerKind.Adam));
        Assert.Equal(EngineKind.Autograd, adam.Engine);
        Assert.Contains("Adam", adam.Reason);
        Assert.Equal(EngineKind.StackedMlp, TrainingEngines.For(Spec(0) with { Model = new ModelSpec(ModelKind.Mlp) { Sizes = [8], Normalization = Normalization.BatchNorm } }).Engine);
        Assert.Equal(EngineKind.Autograd, TrainingEngines.For(Spec(0) with { Model = new ModelSpec(ModelKind.Mlp) { Sizes = [8], Normalization = Normalization.GhostBatchNorm } }).Engine);

        var groups = TrainingEngines.Groups([Spec(0), Spec(0, batch: 32), Spec(1), Spec(0, OptimizerKind.Adam), Spec(1, batch: 32), Spec(2)], maxMembers: 2);
        Assert.Equal([[0, 2], [1, 4], [3], [5]], groups.Select(g => g.ToArray()).ToArray());
        // Three packable trials, at most two per pack: the fewest packs, as equal as possible.
        Assert.Equal([[0, 1], [2]], TrainingEngines.Groups([Spec(0), Spec(1), Spec(2)], maxMembers: 2).Select(g => g.ToArray()).ToArray());
    }
}
