using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Models;
using Declarative.Runtime.Packing;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Packing;

/// <summary>
/// Each member of a pack must train exactly as its trial alone, up to float32 rounding. The pack computes
/// the same arithmetic with batched matrix products (bmm/baddbmm instead of addmm) and SGD written with
/// addcmul instead of add(alpha): every operation can round differently in the last bit (float32 ε ≈ 1.2e-7),
/// and SGD carries those differences forward. Over the 64 steps tested, weights stay within 2e-5 absolute
/// and losses within 2e-5 relative (measured: about 1e-6); a logic error (another member's data order,
/// initialisation or hyper-parameters) moves them by 1e-2 or more.
/// </summary>
[Collection(GlobalRandomStream.Name)]
public sealed class PackedTrialsTests
{
    private const double WeightTolerance = 2e-5;
    private const double LossTolerance = 2e-5;

    private static TrialSpec Spec(int seed, OptimizerKind kind = OptimizerKind.Sgd, double lr = 0.1, double momentum = 0, double weightDecay = 0, int batch = 16) => new()
    {
        Seed = seed,
        Settings = new ExperimentSettings(Epochs: 2, Seeds: 4, TrainSubset: 0, TestSubset: 0),
        Data = new DataSpec("GaussianMixture") { Classes = 4, Dimensions = 12, Train = 512, Test = 64, Separation = 1.5 },
        Model = new ModelSpec("Mlp") { Sizes = [24, 16] },
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

    [Fact]
    public void Each_member_trains_as_its_trial_alone()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        var specs = Mixed();
        Assert.True(PackedTrials.CanPack(specs, out var reason), reason);

        using var pack = PackedTrials.Create(specs, context);
        var packedLosses = specs.Select(_ => new List<double>()).ToArray();
        while (pack.Loop.Next())
        {
            var losses = pack.Loop.BatchLosses.to_type(ScalarType.Float64).data<double>().ToArray();
            for (var m = 0; m < specs.Length; m++) packedLosses[m].Add(losses[m]);
        }
        Assert.Equal(64, pack.Loop.Step);

        for (var m = 0; m < specs.Length; m++)
        {
            using var alone = TrialSetup.Create(specs[m], context);
            var losses = new List<double>();
            while (alone.Loop.Next()) losses.Add(alone.Loop.State.BatchLoss.to_type(ScalarType.Float64).item<double>());

            Assert.Equal(losses.Count, packedLosses[m].Count);
            for (var t = 0; t < losses.Count; t++)
                Assert.True(Math.Abs(losses[t] - packedLosses[m][t]) <= LossTolerance * (1 + Math.Abs(losses[t])), $"member {m} step {t + 1}: alone {losses[t]}, packed {packedLosses[m][t]}");

            var mlp = (Mlp)alone.Model;
            using var copy = CopyShape(mlp);
            pack.Model.CopyMemberTo(m, copy);
            foreach (var ((name, a), (_, b)) in mlp.named_parameters().Zip(copy.named_parameters()))
            {
                var diff = (a - b).abs().max().item<float>();
                Assert.True(diff <= WeightTolerance, $"member {m} {name}: max |Δ| = {diff}");
            }
        }
    }

    [Fact]
    public void Members_with_label_noise_train_on_the_labels_their_trials_draw_alone()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        TrialSpec Noisy(int seed, double lr) => Spec(seed, lr: lr) with { Data = Spec(seed).Data with { LabelNoise = 0.3 } };
        var specs = new[] { Noisy(0, 0.1), Noisy(1, 0.1), Noisy(2, 0.05) };
        Assert.True(PackedTrials.CanPack(specs, out var reason), reason);

        using var pack = PackedTrials.Create(specs, context);
        var packedLosses = specs.Select(_ => new List<double>()).ToArray();
        while (pack.Loop.Next())
        {
            var losses = pack.Loop.BatchLosses.to_type(ScalarType.Float64).data<double>().ToArray();
            for (var m = 0; m < specs.Length; m++) packedLosses[m].Add(losses[m]);
        }
        for (var m = 0; m < specs.Length; m++)
        {
            using var alone = TrialSetup.Create(specs[m], context);
            Assert.True(alone.Data.TrainLabels.eq(pack.Instruments[m].Data.TrainLabels).all().item<bool>(), $"member {m} sees other labels than its trial");
            var t = 0;
            while (alone.Loop.Next())
            {
                var loss = alone.Loop.State.BatchLoss.to_type(ScalarType.Float64).item<double>();
                Assert.True(Math.Abs(loss - packedLosses[m][t]) <= LossTolerance * (1 + Math.Abs(loss)), $"member {m} step {t + 1}: alone {loss}, packed {packedLosses[m][t]}");
                t++;
            }
            Assert.Equal(packedLosses[m].Count, t);
        }
        Assert.False(pack.Instruments[0].Data.TrainLabels.eq(pack.Instruments[1].Data.TrainLabels).all().item<bool>(), "two seeds flip different labels");
    }

    [Fact]
    public void A_member_starts_from_its_trials_initial_weights_exactly()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        var specs = new[] { Spec(5), Spec(6) };
        using var pack = PackedTrials.Create(specs, context);
        for (var m = 0; m < specs.Length; m++)
        {
            using var alone = TrialSetup.Create(specs[m], context);
            var mlp = (Mlp)alone.Model;
            using var copy = CopyShape(mlp);
            pack.Model.CopyMemberTo(m, copy);
            foreach (var (a, b) in mlp.parameters().Zip(copy.parameters())) Assert.True(a.Same(b), $"member {m}: max |Δ| = {(a - b).abs().max().item<float>()} shape {string.Join('x', a.shape)} vs {string.Join('x', b.shape)}");
        }
    }

    [Fact]
    public void Member_state_serves_instruments_with_the_members_model_and_batch()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        var specs = new[] { Spec(0), Spec(1, lr: 0.05) };
        using var pack = PackedTrials.Create(specs, context);
        Assert.True(pack.Loop.Next());
        var state = pack.Loop.Member(1);
        Assert.Equal(1, state.Step);
        Assert.Equal(16, state.BatchLabels.shape[0]);
        using var recomputed = Declarative.Runtime.Training.Objective.Loss(state.Model.forward(pack.Data.TrainInputs.narrow(0, 0, 4)), pack.Data.TrainLabels.narrow(0, 0, 4), regression: false);
        Assert.True(double.IsFinite(recomputed.item<float>()));
        Assert.Equal(pack.Loop.BatchLosses[1].item<float>(), state.BatchLoss.item<float>());
    }

    [Fact]
    public void A_diverging_member_is_reported_without_stopping_the_others()
    {
        using var catalog = new DataCatalog();
        var context = Context(catalog);
        var specs = new[] { Spec(0), Spec(1, lr: 1e6) };
        var outcomes = PackedTrials.Train(specs, context);
        Assert.Equal(TrialStatus.Done, outcomes[0].Status);
        Assert.Equal(64, outcomes[0].Steps);
        Assert.Equal(TrialStatus.Diverged, outcomes[1].Status);
    }

    [Fact]
    public void A_diverged_members_step_is_the_one_whose_loss_first_went_non_finite_and_no_row_after_it_is_kept()
    {
        // Before: the stored step was the next divergence check (a multiple of 32) and the rows measured up to it were stored.
        using var catalog = new DataCatalog();
        var specs = new[] { Spec(0), Spec(1, lr: 1e6) };
        var sinks = specs.Select(_ => new BufferedMetricSink()).ToArray();
        var contexts = sinks.Select(s => new TrialContext(CPU, catalog, s)).ToArray();
        var outcomes = PackedTrials.Run(specs, contexts, (_, _, _) => true, (m, state) => new Row(state.Step, state.BatchLoss.item<float>()));

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
    public void Run_writes_each_members_rows_to_its_own_sink_with_the_values_its_trial_alone_measures()
    {
        using var catalog = new DataCatalog();
        var specs = new[] { Spec(0), Spec(1, OptimizerKind.Momentum, lr: 0.05, momentum: 0.9) };
        var sinks = specs.Select(_ => new BufferedMetricSink()).ToArray();
        var contexts = sinks.Select(s => new TrialContext(CPU, catalog, s)).ToArray();
        var cadence = Cadence.Every(16);
        var outcomes = PackedTrials.Run(specs, contexts, (step, end, last) => cadence.IsDue(step, end, last),
            (m, state) => new Row(state.Step, Declarative.Runtime.Instruments.InstrumentContext.Evaluate(state.Model, state.Data.TestInputs, state.Data.TestLabels).Loss));
        Assert.All(outcomes, o => Assert.Equal(TrialStatus.Done, o.Status));

        for (var m = 0; m < specs.Length; m++)
        {
            var rows = sinks[m].Rows.Cast<Row>().ToArray();
            Assert.Equal([16L, 32, 48, 64], rows.Select(r => r.Step));
            using var alone = TrialSetup.Create(specs[m], new TrialContext(CPU, catalog, new BufferedMetricSink()));
            var expected = new List<double>();
            while (alone.Loop.Next())
                if (cadence.IsDue(alone.Loop.State.Step, alone.Loop.State.IsEpochEnd, alone.Loop.State.IsLast))
                    expected.Add(Declarative.Runtime.Instruments.InstrumentContext.Evaluate(alone.Model, alone.Data.TestInputs, alone.Data.TestLabels).Loss);
            for (var i = 0; i < rows.Length; i++)
                Assert.True(Math.Abs(rows[i].TestLoss - expected[i]) <= LossTolerance * (1 + expected[i]), $"member {m} row {i}: {rows[i].TestLoss} vs {expected[i]}");
        }
    }

    private sealed record Row(long Step, double TestLoss) : IMetricRow
    {
        public int Epoch => 0;
        public double? GetValue(int column) => TestLoss;
        public double[]? GetVector(int column) => null;
    }

    [Fact]
    public void Trials_that_differ_in_shape_batch_or_features_do_not_pack()
    {
        Assert.True(PackedTrials.CanPack([Spec(0), Spec(1, OptimizerKind.Momentum, momentum: 0.9)]));
        Assert.False(PackedTrials.CanPack([Spec(0), Spec(1, batch: 32)], out var reason));
        Assert.Contains("differs", reason);
        Assert.False(PackedTrials.CanPack([Spec(0) with { Model = new ModelSpec("Mlp") { Sizes = [8] } }, Spec(1)]));
        Assert.False(PackedTrials.CanPack([Spec(0, OptimizerKind.Adam)], out reason));
        Assert.Contains("Adam", reason);
        Assert.False(PackedTrials.CanPack([Spec(0) with { GradientPenalty = 0.1 }]));
        TrialSpec Noisy(int seed, double fraction) => Spec(seed) with { Data = Spec(seed).Data with { LabelNoise = fraction } };
        Assert.True(PackedTrials.CanPack([Noisy(0, 0.2), Noisy(1, 0.2)]));   // each member draws its own flips from its seed
        Assert.False(PackedTrials.CanPack([Noisy(0, 0.2), Noisy(1, 0.4)]));  // but the fraction is part of the data set

        var groups = PackedTrials.Groups([Spec(0), Spec(0, batch: 32), Spec(1), Spec(0, OptimizerKind.Adam), Spec(1, batch: 32), Spec(2)], maxMembers: 2);
        Assert.Equal([[3], [0, 2], [5], [1, 4]], groups.Select(g => g.ToArray()).ToArray());
    }

    private static Mlp CopyShape(Mlp mlp)
    {
        var layers = mlp.parameters().Where(p => p.dim() == 2).Select(p => (int)p.shape[0]).ToArray();
        var inputs = (int)mlp.parameters().First().shape[1];
        return new Mlp(inputs, layers[..^1], layers[^1]);
    }
}
