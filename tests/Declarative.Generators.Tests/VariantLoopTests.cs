using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using static TorchSharp.torch;

namespace Declarative.Generators.Tests;

/// <summary>A record that uses the training variants compiles, expands and trains end to end through the generated code.</summary>
[Collection(GlobalRandomStream.Name)]
public sealed class VariantLoopTests
{

    [Fact]
    public void Every_variant_trial_trains_for_the_declared_updates()
    {
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(Samples.Variants));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Variants+Definition")!)!;
        var trials = definition.Trials(Budget.Full);
        Assert.Equal(6, trials.Count);
        Assert.Equal(["AdamW", "0.2"], trials[3].Parameters.Select(p => p.Value));

        using var data = new DataCatalog();
        foreach (var trial in trials)
        {
            var sink = new BufferedMetricSink();
            var outcome = definition.Run([trial], [new TrialContext(CPU, data, sink)])[0];

            Assert.Equal(TrialStatus.Done, outcome.Status);
            Assert.Equal(12, outcome.Steps);
            Assert.Equal([4L, 8L, 12L], sink.Rows.Select(r => r.Step));
            Assert.InRange(sink.Rows[^1].GetValue(2)!.Value, 0.0, 1.0); // test accuracy
        }
    }

    [Fact]
    public void The_spec_carries_the_trial_values()
    {
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(Samples.Variants));
        var type = assembly.GetType("Sample.Variants")!;
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Variants+Definition")!)!;
        var trial = definition.Trials(Budget.Full)[5];
        var spec = (Runtime.Experiments.Specs.TrialSpec)type.GetMethod("SpecFor")!.Invoke(null, [trial])!;

        Assert.Equal(OptimizerKind.RAdam, spec.Optimizer.Kind);
        Assert.Equal(0.0, spec.Optimizer.Momentum); // RAdam takes no momentum
        var nesterov = (Runtime.Experiments.Specs.TrialSpec)type.GetMethod("SpecFor")!.Invoke(null, [definition.Trials(Budget.Full)[0]])!;
        Assert.Equal(OptimizerKind.Nesterov, nesterov.Optimizer.Kind);
        Assert.Equal(0.9, nesterov.Optimizer.Momentum);
        Assert.Equal(32, spec.Optimizer.BatchSize);
        Assert.Equal(0.2, spec.Data.LabelNoise);
        Assert.Equal(Normalization.GhostBatchNorm, spec.Model.Normalization);
        Assert.Equal(8, spec.Model.GhostBatchSize);
        Assert.Equal(ScheduleKind.Cosine, spec.LearningRateSchedule!.Kind);
        Assert.Equal(3, spec.LearningRateSchedule.WarmupSteps);
        Assert.Equal(0.01, spec.GradientPenalty);
        Assert.Equal(12, spec.Settings.Updates);
    }
}
