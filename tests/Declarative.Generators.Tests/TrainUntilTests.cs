using System.Globalization;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Snapshooter.Xunit;
using static TorchSharp.torch;

namespace Declarative.Generators.Tests;

/// <summary>
/// The target budget ([TrainUntil]) through the generated code on real TorchSharp: a trial stops at the first epoch end at which
/// its target holds (never before), one that never reaches it trains to the cap and is marked so, its AtEnd instruments are
/// measured at the stop, an interrupted trial re-runs to the same numbers, and target trials train alone.
/// </summary>
[Collection(GlobalRandomStream.Name)]
public sealed class TrainUntilTests
{
    private const int Cap = 6;
    private const int StepsPerEpoch = 512 / 32;

    /// <summary>The same trial with a fixed length (every epoch end measured) or with a target (AtEnd instruments at the stop).</summary>
    private static string Record(string? target) => $$"""
        namespace Sample;
        using Declarative;

        [Experiment(Epochs = {{Cap}}, Seeds = 1)]
        [FashionMnist]
        [Mlp(16)]
        [Sgd(BatchSize = 32)]
        {{(target is null
            ? "[Track(Instruments.TrainLoss | Instruments.TrainAccuracy | Instruments.DistanceFromInit | Instruments.TestAccuracy | Instruments.InterpolationHeight, AtEpochEnd = true)]"
            : $"[TrainUntil({target})]\n[Track(Instruments.TrainLoss | Instruments.TrainAccuracy, AtEpochEnd = true)]\n[Track(Instruments.DistanceFromInit | Instruments.TestAccuracy | Instruments.InterpolationHeight, AtEnd = true)]")}}
        public partial record Until([Values(0.05)] double LearningRate);
        """;

    private static IExperimentDefinition Definition(string? target)
    {
        var result = GeneratorHarness.Run(Record(target));
        Assert.Empty(result.AllDiagnostics);
        return (IExperimentDefinition)Activator.CreateInstance(GeneratorHarness.Load(result).GetType("Sample.Until+Definition")!)!;
    }

    /// <summary>Ten overlapping Gaussian classes: the training loss falls over several epochs, not in one.</summary>
    private static ClassificationData Data()
    {
        using var generator = new Generator(7UL);
        var centres = randn(10, 784, generator: generator) * 0.08;
        var trainY = randint(0, 10, 512, generator: generator);
        var trainX = centres.index_select(0, trainY) + randn(512, 784, generator: generator);
        var testY = randint(0, 10, 256, generator: generator);
        var testX = centres.index_select(0, testY) + randn(256, 784, generator: generator);
        return new ClassificationData("synthetic", trainX, trainY, testX, testY, 10);
    }

    private static (TrialOutcome Outcome, IReadOnlyList<IMetricRow> Rows) Run(IExperimentDefinition definition, CancellationToken cancellation = default, Action<long>? onStep = null)
    {
        using var data = new DataCatalog();
        data.Register("FashionMNIST", Data());
        var sink = new BufferedMetricSink();
        var context = new TrialContext(CPU, data, sink) { Cancellation = cancellation, OnStep = onStep is null ? null : (s, _) => onStep(s) };
        var outcome = definition.Run([definition.Trials(Budget.Full).Single()], [context])[0];
        return (outcome, sink.Rows);
    }

    private static double?[] Column(IExperimentDefinition definition, IReadOnlyList<IMetricRow> rows, string name)
    {
        var column = definition.Schema.Columns.Select(c => c.Name).ToList().IndexOf(name);
        return rows.Select(r => r.GetValue(column)).ToArray();
    }

    private static string Literal(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("TrainLoss")]
    [InlineData("TrainAccuracy")]
    public void A_trial_stops_at_the_first_epoch_end_where_its_target_holds_and_measures_its_end_there(string metric)
    {
        var fixedLength = Definition(null);
        var (reference, referenceRows) = Run(fixedLength);
        Assert.Equal(Cap * StepsPerEpoch, reference.Steps);
        var curve = Column(fixedLength, referenceRows, metric).Select(v => v!.Value).ToArray();
        Assert.Equal(Cap, curve.Length);

        // A target first met at the end of the third epoch: between the second and third epoch ends' values.
        var loss = metric == "TrainLoss";
        Assert.True(loss ? curve[2] < curve[1] : curve[2] > curve[1], $"{metric} per epoch: {string.Join(", ", curve)}");
        var target = (curve[1] + curve[2]) / 2;
        var expected = Array.FindIndex(curve, v => loss ? v <= target : v >= target) + 1;
        Assert.Equal(3, expected);

        var until = Definition($"{metric} = {Literal(target)}");
        var (outcome, rows) = Run(until);

        Assert.Equal(TrialStatus.Done, outcome.Status);
        Assert.True(outcome.ReachedTarget);
        Assert.Equal(expected, outcome.Epochs);
        Assert.Equal(expected * StepsPerEpoch, outcome.Steps);
        Assert.Equal(Enumerable.Range(1, expected).Select(e => (long)e * StepsPerEpoch), rows.Select(r => r.Step));
        // The same trajectory up to the stop: the target changes when the trial stops, not how it trains.
        Assert.Equal(curve.Take(expected), Column(until, rows, metric).Select(v => v!.Value), new ToleranceComparer(1e-9));
        // The AtEnd instruments are measured once, at the stop, on the weights the trial stopped with (InterpolationHeight
        // also on θ_t before the stopping update, which it saved because every epoch end may be the last step).
        foreach (var name in new[] { "DistanceFromInit", "TestAccuracy", "InterpolationHeight" })
        {
            var atEnd = Column(until, rows, name);
            Assert.All(atEnd.Take(expected - 1), v => Assert.Null(v));
            Assert.Equal(Column(fixedLength, referenceRows, name)[expected - 1]!.Value, atEnd[^1]!.Value, 1e-9);
        }
    }

    [Fact]
    public void A_trial_that_never_reaches_its_target_trains_to_the_cap_and_is_marked_so()
    {
        var until = Definition("TrainLoss = 1e-9");
        var (outcome, rows) = Run(until);

        Assert.Equal(TrialStatus.Done, outcome.Status);
        Assert.False(outcome.ReachedTarget);
        Assert.Equal(Cap, outcome.Epochs);
        Assert.Equal(Cap * StepsPerEpoch, outcome.Steps);
        Assert.Equal(Cap, rows.Count);
        Assert.NotNull(Column(until, rows, "DistanceFromInit")[^1]);
        Assert.All(Column(until, rows, "DistanceFromInit").Take(Cap - 1), v => Assert.Null(v));
    }

    [Fact]
    public void A_fixed_length_trial_records_its_epochs_and_no_target()
    {
        var (outcome, _) = Run(Definition(null));

        Assert.Equal(Cap, outcome.Epochs);
        Assert.Null(outcome.ReachedTarget);
    }

    [Fact]
    public void An_interrupted_trial_runs_again_to_the_same_stop_and_numbers()
    {
        var until = Definition("TrainAccuracy = 0.999");
        var (clean, cleanRows) = Run(until);

        using var cancel = new CancellationTokenSource();
        Assert.ThrowsAny<OperationCanceledException>(() => Run(until, cancel.Token, step => { if (step == StepsPerEpoch + 3) cancel.Cancel(); }));
        var (again, againRows) = Run(until);

        Assert.Equal(clean, again);
        Assert.Equal(cleanRows.Select(r => r.Step), againRows.Select(r => r.Step));
        for (var i = 0; i < until.Schema.Columns.Count; i++)
            Assert.Equal(cleanRows.Select(r => r.GetValue(i)), againRows.Select(r => r.GetValue(i)));
    }

    [Fact]
    public void Target_trials_train_alone_and_list_says_why_and_the_target_is_part_of_the_id()
    {
        var result = GeneratorHarness.Run(Record("TrainLoss = 0.5").Replace("[Values(0.05)] double LearningRate", "[Values(0.05, 0.1)] double LearningRate")
            .Replace("Seeds = 1", "Seeds = 2"));
        Assert.Empty(result.AllDiagnostics);
        var definition = (IExperimentDefinition)Activator.CreateInstance(GeneratorHarness.Load(result).GetType("Sample.Until+Definition")!)!;

        var trials = definition.Trials(Budget.Full);
        var groups = definition.Plan(trials);
        Assert.Equal(4, groups.Count);
        Assert.All(groups, g => Assert.Single(g.Trials));
        Assert.All(groups, g => Assert.Contains("a target budget (TrainLoss ≤ 0.5) stops each trial at its own epoch", g.Engine.Reason));
        Assert.Contains("until TrainLoss ≤ 0.5 at an epoch end, at most 6 epoch(s)", definition.SettingsFor(Budget.Full).Describe());

        var loose = Definition("TrainLoss = 0.5").Trials(Budget.Full).Single().Id;
        Assert.NotEqual(loose, Definition("TrainLoss = 0.4").Trials(Budget.Full).Single().Id);
        Assert.NotEqual(loose, Definition("TrainAccuracy = 0.5").Trials(Budget.Full).Single().Id);
        Assert.NotEqual(loose, Definition(null).Trials(Budget.Full).Single().Id);
    }

    [Fact]
    public void Generated_target_experiment_source_matches_snapshot()
    {
        var result = GeneratorHarness.Run(Record("TrainLoss = 0.15, Examples = 256"));

        Assert.Empty(result.AllDiagnostics);
        Assert.Empty(result.CompilerErrors);
        Snapshot.Match(result.Source("Sample.Until.Experiment.g.cs"));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
