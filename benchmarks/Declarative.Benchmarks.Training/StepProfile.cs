using System.Diagnostics;
using System.Text.Json;
using Declarative.Runtime.Data;
using static TorchSharp.torch;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// Where one step of the generated path goes for the benchmark's MLP: the operations of
/// the one-member <see cref="Runtime.Training.StackedMlpEngine"/> step with the fused SGD update, replayed in the same order on the
/// same buffers with a timestamp after each group (CPU operations are synchronous, so each lap is its own):
/// batch gather, bias copies, forward GEMMs, ReLUs, loss, softmax gradient, weight GEMMs with the fused
/// update, bias updates, upstream-gradient GEMMs, ReLU masks. One epoch of warm-up, then one measured.
/// </summary>
internal static class StepProfile
{
    private static readonly string[] Groups = ["gather", "bias copy", "forward GEMM", "relu", "loss", "softmax grad", "weight GEMM + update", "bias update", "upstream GEMM", "relu mask"];

    public static void Run(DataCatalog catalog, int batch, int threads)
    {
        var data = catalog.FashionMnist(0, 0, CPU);
        Runtime.Training.Seeding.ForTrial(0);
        using var model = Runtime.Models.Mlp.Create(784, Engines.Hidden, 10, CPU);
        var parameters = model.parameters().Select(p => p.detach()).ToArray();
        var weights = parameters.Where((_, i) => i % 2 == 0).ToArray();
        var biases = parameters.Where((_, i) => i % 2 == 1).ToArray();
        var transposed = weights.Select(w => w.t()).ToArray();
        var activations = weights.Select(w => empty(batch, w.shape[0])).ToArray();
        var upstream = weights.Select(w => empty(batch, w.shape[0])).ToArray();
        using var ones = TorchSharp.torch.ones(batch);
        using var minusOne = full(batch, 1, -1.0f);
        using var permutation = randperm(data.TrainCount, generator: new Generator(1));
        var steps = data.TrainCount / batch;
        var lr = -(float)Engines.LearningRate;
        var t = new double[Groups.Length];
        var stepWatch = new Stopwatch();
        for (var pass = 0; pass < 2; pass++)
        {
            Array.Clear(t);
            stepWatch.Restart();
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var lap = Stopwatch.GetTimestamp();
                void Lap(int group)
                {
                    var now = Stopwatch.GetTimestamp();
                    t[group] += (now - lap) * 1000.0 / Stopwatch.Frequency;
                    lap = now;
                }
                var index = permutation.narrow(0, (long)i * batch, batch);
                var x = data.TrainInputs.index_select(0, index);
                var y = data.TrainLabels.index_select(0, index);
                Lap(0);
                var previous = x;
                for (var l = 0; l < weights.Length; l++)
                {
                    activations[l].copy_(biases[l]); Lap(1);
                    activations[l].addmm_(previous, transposed[l]); Lap(2);
                    if (l < weights.Length - 1) { activations[l].relu_(); Lap(3); }
                    previous = activations[l];
                }
                var logProbabilities = activations[^1].log_softmax(1);
                _ = nn.functional.nll_loss(logProbabilities, y);
                Lap(4);
                var g = logProbabilities.exp_();
                g.scatter_add_(1, y.unsqueeze(1), minusOne);
                g.mul_(1.0 / batch);
                Lap(5);
                for (var l = weights.Length - 1; l >= 0; l--)
                {
                    var input = l == 0 ? x : activations[l - 1];
                    if (l > 0) { upstream[l - 1].addmm_(g, weights[l], beta: 0); Lap(8); }
                    weights[l].addmm_(g.t(), input, beta: 1, alpha: lr); Lap(6);
                    biases[l].addmv_(g.t(), ones, beta: 1, alpha: lr); Lap(7);
                    if (l == 0) break;
                    upstream[l - 1].mul_(activations[l - 1].sign_()); Lap(9);
                    g = upstream[l - 1];
                }
            }
        }
        var total = stepWatch.Elapsed.TotalMilliseconds / steps;
        var result = new Dictionary<string, object> { ["engine"] = "step-profile", ["batch"] = batch, ["threads"] = threads, ["steps"] = steps, ["step_ms"] = total };
        for (var g = 0; g < Groups.Length; g++) result[Groups[g]] = t[g] / steps;
        Console.WriteLine(JsonSerializer.Serialize(result));
        foreach (var x in activations.Concat(upstream)) x.Dispose();
    }

    public static IReadOnlyList<string> GroupNames => Groups;
}
