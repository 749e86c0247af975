using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using static TorchSharp.torch;

namespace Declarative.Generators.Tests;

/// <summary>
/// The generated <c>Run</c> of a pack must give each member the rows its trial gives alone. The pack computes the
/// same arithmetic with batched products, so values agree up to float32 rounding carried through training:
/// over the 32 steps here every scalar metric agrees within 1e-4 relative (+1e-6 absolute) and every vector
/// metric (Hessian eigenvalues by Lanczos) within 1e-3 relative (measured: about 1e-6 and 1e-5). Another
/// member's seed, data order or learning rate moves them by 1e-2 or more.
/// </summary>
[Collection(GlobalRandomStream.Name)]
public sealed class PackedRunTests
{
    private const double ScalarTolerance = 1e-4;
    private const double VectorTolerance = 1e-3;

    private const string Seeds = """
        namespace Sample;

        using Declarative;

        /// <summary>Learning rates and seeds of one model shape: they pack.</summary>
        [Experiment(Epochs = 2, Seeds = 2)]
        [Smoke(Epochs = 2, Seeds = 2, TrainSubset = 256)]
        [FashionMnist]
        [Mlp(16)]
        [Sgd(BatchSize = 16)]
        [Track(Instruments.BatchLoss | Instruments.DistanceFromInit | Instruments.LearningRateOverBatchSize, Every = 4)]
        [Track(Instruments.HessianTopEigenvalues, Every = 16, TopK = 2, Examples = 64)]
        [Track(Instruments.TestAccuracy | Instruments.TrainLoss, AtEpochEnd = true)]
        public partial record Seeds([Values(0.02, 0.05)] double LearningRate, [Values(0.0, 0.5)] double Momentum);
        """;

    private const string Observing = """
        namespace Sample;

        using Declarative;

        /// <summary>Instruments that read each member's own update: the engine copies θ_t and the gradient out when they are due.</summary>
        [Experiment(Epochs = 2, Seeds = 2)]
        [Smoke(Epochs = 2, Seeds = 2, TrainSubset = 256)]
        [FashionMnist]
        [Mlp(16, Normalization = Normalization.BatchNorm)]
        [Sgd(BatchSize = 16)]
        [Track(Instruments.UpdateNorm | Instruments.BatchGradientNorm | Instruments.BatchLoss, Every = 4)]
        [Track(Instruments.InterpolationHeight | Instruments.InterpolationMinimum, Every = 8)]
        public partial record Observing([Values(0.02, 0.05)] double LearningRate, [Values(0.0, 0.5)] double Momentum);
        """;

    private static IExperimentDefinition Definition(string source, string type)
    {
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(source));
        return (IExperimentDefinition)Activator.CreateInstance(assembly.GetType($"Sample.{type}+Definition")!)!;
    }

    [Fact]
    public void Each_member_of_a_pack_writes_the_rows_of_its_trial_alone() => MembersWriteTheRowsOfTheirTrialsAlone(Definition(Seeds, "Seeds"), vectorRows: 2);

    [Fact]
    public void Members_measure_the_instruments_that_read_their_own_update_as_their_trials_alone() =>
        MembersWriteTheRowsOfTheirTrialsAlone(Definition(Observing, "Observing"), vectorRows: 0);

    private static void MembersWriteTheRowsOfTheirTrialsAlone(IExperimentDefinition definition, int vectorRows)
    {
        var trials = definition.Trials(Budget.Smoke);
        Assert.Equal(8, trials.Count);
        var plan = definition.Plan(definition.Trials(Budget.Smoke));
        var pack = Assert.Single(plan);
        Assert.Equal(trials.Select(t => t.Id), pack.Trials.Select(t => t.Id));
        Assert.Equal(Runtime.Training.EngineKind.StackedMlp, pack.Engine.Engine);

        using var data = new DataCatalog();
        data.Register("FashionMNIST", GeneratedLoopTests.SyntheticData(seed: 1));
        var packedSinks = trials.Select(_ => new BufferedMetricSink()).ToArray();
        var outcomes = definition.Run(trials, packedSinks.Select(s => new TrialContext(CPU, data, s)).ToArray());

        for (var m = 0; m < trials.Count; m++)
        {
            var alone = new BufferedMetricSink();
            var outcome = definition.Run([trials[m]], [new TrialContext(CPU, data, alone)])[0];
            Assert.Equal(outcome.Status, outcomes[m].Status);
            Assert.Equal(outcome.Steps, outcomes[m].Steps);
            Assert.Equal(32, outcome.Steps);
            if (vectorRows > 0) Assert.Equal(vectorRows, alone.Rows.Count(r => r.GetVector(definition.Schema.Columns.ToList().FindIndex(c => c.IsVector)) is not null));
            Assert.All(alone.Rows, r => Assert.All(Enumerable.Range(0, definition.Schema.Columns.Count), c => Assert.False(r.GetValue(c) is double v && double.IsNaN(v), $"step {r.Step} column {c} is NaN")));
            Assert.Equal(alone.Rows.Select(r => r.Step), packedSinks[m].Rows.Select(r => r.Step));
            for (var r = 0; r < alone.Rows.Count; r++)
            {
                for (var c = 0; c < definition.Schema.Columns.Count; c++)
                {
                    var what = $"trial {m} ({string.Join(", ", trials[m].Parameters.Select(p => $"{p.Key}={p.Value}"))}, seed {trials[m].Seed}) step {alone.Rows[r].Step} {definition.Schema.Columns[c].Name}";
                    if (definition.Schema.Columns[c].IsVector)
                    {
                        var a = alone.Rows[r].GetVector(c);
                        var p = packedSinks[m].Rows[r].GetVector(c);
                        Assert.Equal(a is null, p is null);
                        if (a is null) continue;
                        Assert.Equal(a.Length, p!.Length);
                        for (var i = 0; i < a.Length; i++) Close(a[i], p[i], VectorTolerance, $"{what}[{i}]");
                    }
                    else
                    {
                        var a = alone.Rows[r].GetValue(c);
                        var p = packedSinks[m].Rows[r].GetValue(c);
                        Assert.Equal(a is null, p is null);
                        if (a is { } x) Close(x, p!.Value, ScalarTolerance, what);
                    }
                }
            }
        }
    }

    private static void Close(double expected, double actual, double tolerance, string what) =>
        Assert.True(Math.Abs(expected - actual) <= tolerance * Math.Abs(expected) + 1e-6, $"{what}: alone {expected}, packed {actual}");
}
