using System.Diagnostics;
using System.Text.Json;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Training;
using static TorchSharp.torch;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// Where one autograd step's time goes: the trial's own model (from TrialSetup) with the SGD optimizer the
/// autograd engine would give it, driven phase by phase with a stopwatch around each (CPU tensor operations are
/// synchronous, so each phase's time is its own): data (the batch views), forward with the loss, backward,
/// optimizer (zero_grad and step), and a host sync (reading the loss back), then the step time of the trial's
/// own loop (the engine TrainingEngines chooses) for comparison.
/// </summary>
internal static class Profile
{
    public static void Run(DataCatalog catalog, int batch, int threads)
    {
        var context = Engines.Context(catalog);
        var data = context.Data.FashionMnist(0, 0, CPU);
        using var phases = TrialSetup.Create(Engines.Spec(batch, 1, seed: 0), context);
        var model = phases.Model;
        using var optimizer = Runtime.Optimizers.OptimizerFactory.Create(global::Declarative.OptimizerKind.Sgd, model.parameters(), new Runtime.Optimizers.OptimizerSettings { LearningRate = 0.01 });
        var steps = data.TrainCount / batch;
        using var perm = randperm(data.TrainCount, generator: new TorchSharp.torch.Generator(1));
        using var xs = data.TrainInputs.index_select(0, perm);
        using var ys = data.TrainLabels.index_select(0, perm);
        var t = new double[5];
        var watch = new Stopwatch();
        for (var pass = 0; pass < 2; pass++) // the first pass warms up
        {
            Array.Clear(t);
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                watch.Restart();
                var xb = xs.narrow(0, (long)i * batch, batch);
                var yb = ys.narrow(0, (long)i * batch, batch);
                t[0] += Lap(watch);
                var loss = Objective.Loss(model.forward(xb), yb, regression: false);
                t[1] += Lap(watch);
                loss.backward();
                t[2] += Lap(watch);
                optimizer.step();
                optimizer.zero_grad();
                t[3] += Lap(watch);
                _ = loss.item<float>();
                t[4] += Lap(watch);
            }
        }
        // The loop itself over the same number of steps, for the total it adds up to.
        using var setup = TrialSetup.Create(Engines.Spec(batch, 1, seed: 0), context);
        var loopWatch = Stopwatch.StartNew();
        var n = 0;
        while (n < steps && setup.Loop.Next())
        {
            n++;
            if (!setup.Loop.LossIsFinite(out _)) break;
        }
        var loopMs = loopWatch.Elapsed.TotalMilliseconds / n;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            engine = "profile",
            batch,
            threads,
            steps,
            data_ms = t[0] / steps,
            forward_ms = t[1] / steps,
            backward_ms = t[2] / steps,
            optimizer_ms = t[3] / steps,
            sync_ms = t[4] / steps,
            phases_ms = t.Sum() / steps,
            loop_step_ms = loopMs,
        }));
    }

    private static double Lap(Stopwatch watch)
    {
        var ms = watch.Elapsed.TotalMilliseconds;
        watch.Restart();
        return ms;
    }
}
