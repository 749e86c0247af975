using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using static TorchSharp.torch;

namespace Declarative.Generators.Tests;

/// <summary>Compiles a record with the generator and runs the generated training loop on synthetic data.</summary>
[Collection(GlobalRandomStream.Name)]
public sealed class GeneratedLoopTests
{
    [Fact]
    public void Generated_loop_trains_and_writes_the_declared_columns_at_their_cadence()
    {
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(Samples.Grid));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Grid+Definition")!)!;
        var catalog = (IReadOnlyList<IExperimentDefinition>)assembly.GetType("Declarative.Generated.ExperimentCatalog")!
            .GetProperty("All")!.GetValue(null)!;

        Assert.Equal(["Grid"], catalog.Select(e => e.Name));
        Assert.Equal(["BatchLoss", "DistanceFromInit", "TrainLoss", "TestAccuracy"], definition.Schema.Columns.Select(c => c.Name));
        var trials = definition.Trials(Budget.Smoke);
        Assert.Equal(4, trials.Count);

        using var data = new DataCatalog();
        data.Register("FashionMNIST", SyntheticData(seed: 1));
        var sink = new BufferedMetricSink();
        var trial = trials.Single(t => t.Parameters[0].Value == "0.1" && t.Parameters[1].Value == "16");
        var outcome = definition.Run([trial], [new TrialContext(CPU, data, sink)])[0];

        Assert.Equal(TrialStatus.Done, outcome.Status);
        Assert.Equal(16, outcome.Steps); // 256 examples / batch 16, one smoke epoch
        Assert.Equal([4L, 8L, 12L, 16L], sink.Rows.Select(r => r.Step));
        var last = sink.Rows[^1];
        Assert.All(Enumerable.Range(0, 4), i => Assert.NotNull(last.GetValue(i)));
        Assert.Null(sink.Rows[0].GetValue(3)); // test accuracy only at the epoch end
        Assert.True(last.GetValue(3) > 0.5, $"test accuracy {last.GetValue(3)} on a separable task");
        Assert.True(sink.Rows[0].GetValue(0) > last.GetValue(0), "batch loss decreases");
        Assert.True(last.GetValue(1) > 0, "weights moved from initialisation");
    }

    [Fact]
    public void Same_trial_twice_gives_identical_rows()
    {
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(Samples.Grid));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Grid+Definition")!)!;
        var trial = definition.Trials(Budget.Smoke)[0];

        double?[][] RunOnce()
        {
            using var data = new DataCatalog();
            data.Register("FashionMNIST", SyntheticData(seed: 1));
            var sink = new BufferedMetricSink();
            definition.Run([trial], [new TrialContext(CPU, data, sink)]);
            return sink.Rows.Select(r => Enumerable.Range(0, definition.Schema.Columns.Count).Select(r.GetValue).ToArray()).ToArray();
        }

        Assert.Equal(RunOnce(), RunOnce());
    }

    [Fact]
    public void Generated_loop_keeps_initial_final_and_declared_checkpoint_weights()
    {
        var source = Samples.Grid.Replace("[Sgd]", "[Sgd]\n[Checkpoints(Every = 8)]");
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(source));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Grid+Definition")!)!;
        var trial = definition.Trials(Budget.Smoke).Single(t => t.Parameters[1].Value == "16" && t.Parameters[0].Value == "0.1");
        var root = Directory.CreateTempSubdirectory("declarative-weights-").FullName;
        try
        {
            using var data = new DataCatalog();
            data.Register("FashionMNIST", SyntheticData(seed: 1));
            var weights = Runtime.Weights.TrialWeights.For(root, definition.Name, trial);
            definition.Run([trial], [new TrialContext(CPU, data, new BufferedMetricSink()) { Weights = weights }]);

            var saved = Directory.GetDirectories(weights.Folder).Select(d => Path.GetFileName(d)).Order().ToArray();
            Assert.Equal(["final", "initial", "step-00000008", "step-00000016"], saved);
            Assert.True(File.Exists(Path.Combine(weights.Folder, "final", "manifest.json")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Two Gaussian blobs per class in 784 dimensions: a task an MLP learns in a few steps.</summary>
    internal static ClassificationData SyntheticData(int seed)
    {
        using var generator = new Generator((ulong)seed);
        var centres = randn(10, 784, generator: generator) * 2;
        ClassificationData Split(int n, out Tensor x, out Tensor y)
        {
            y = randint(0, 10, n, generator: generator);
            x = centres.index_select(0, y) + randn(n, 784, generator: generator);
            return null!;
        }
        Split(256, out var trainX, out var trainY);
        Split(128, out var testX, out var testY);
        return new ClassificationData("synthetic", trainX, trainY, testX, testY, 10);
    }
}
