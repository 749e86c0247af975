using System.Diagnostics;
using System.Globalization;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Benchmarks;

/// <summary>
/// ε-sharpness on the 784-256-256-10 MLP trained on Fashion-MNIST (SGD, lr 0.05, batch 128): at a few points of training,
/// (1) one call of the instrument at default options (seconds, forward-backward passes, ascent steps), and (2) the spread of
/// the estimate with the weights held fixed, over random training subsets: the estimate at default options (converged
/// ascent on 10,000 examples) against the former one (10 full-box sign-ascent steps on 1,024 examples).
/// <code>
/// dotnet run -c Release --project benchmarks/Declarative.Benchmarks -- sharpness [--data &lt;folder&gt;] [--threads 2] [--at 100,1000] [--subsets 4]
/// </code>
/// </summary>
public static class SharpnessEstimate
{
    public static int Run(string[] args)
    {
        var folder = FashionMnist.ResolveFolder(Option(args, "--data"));
        set_num_threads(int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture));
        var at = (Option(args, "--at") ?? "100,1000").Split(',').Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var subsets = int.Parse(Option(args, "--subsets") ?? "4", CultureInfo.InvariantCulture);
        using var data = FashionMnist.Load(folder);
        Console.WriteLine($"# ε-sharpness: 784-256-256-10 MLP, SGD lr 0.05, batch 128, Fashion-MNIST ({data.TrainCount} train), {get_num_threads()} threads");
        Console.WriteLine($"# started {DateTime.UtcNow:u}, load average {LoadAverage()}");
        manual_seed(1);
        using var model = Mlp.Create(data.InputSize, [256, 256], data.ClassCount, CPU);
        using var optimizer = optim.SGD(model.parameters(), 0.05);
        using var loop = new ClassificationLoop(model, optimizer, data, 128, epochs: 1000, seed: 1);
        using var context = new InstrumentContext(model, data);
        var options = new InstrumentOptions { Cadence = Cadence.Every(1) };
        Console.WriteLine();
        Console.WriteLine($"| step | φ (default call) | standard error | ascent steps | forward-backward passes ({options.SharpnessExamples} examples) | seconds | new: mean ± sd over {subsets} subsets of {options.SharpnessExamples} | sd/mean | old: mean ± sd over {subsets} subsets of 1024 | sd/mean |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var step in at)
        {
            while (loop.State.Step < step) loop.Next();
            var clock = Stopwatch.StartNew();
            var result = SharpnessMaximisation.For(context, options).Measure(loop.State);
            var seconds = clock.Elapsed.TotalSeconds;
            var fresh = Enumerable.Range(0, subsets).Select(i => Fresh(model, data, options.SharpnessExamples, 100 + i, options)).ToArray();
            var former = Enumerable.Range(0, subsets).Select(i => Former(model, data, 1024, 100 + i, options.Epsilon, 10)).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {step} | {result.Sharpness:F3} | {result.StandardError:F3} | {(result.Converged ? "" : "cap ")}{result.Steps} | {result.Passes} | {seconds:F1} | {Mean(fresh):F3} ± {Sd(fresh):F3} | {Sd(fresh) / Mean(fresh):P2} | {Mean(former):F3} ± {Sd(former):F3} | {Sd(former) / Mean(former):P2} |"));
        }
        Console.WriteLine($"# finished {DateTime.UtcNow:u}, load average {LoadAverage()}");
        return 0;
    }

    private static (Tensor X, Tensor Y) Subset(ClassificationData data, int examples, long seed)
    {
        using var generator = new Generator((ulong)seed);
        using var index = randperm(data.TrainCount, generator: generator).narrow(0, 0, examples);
        return (data.TrainInputs.index_select(0, index), data.TrainLabels.index_select(0, index));
    }

    /// <summary>The estimate at default options on a random subset (the instrument's maximisation on other rows).</summary>
    private static double Fresh(Mlp model, ClassificationData data, int examples, long seed, InstrumentOptions options)
    {
        using var scope = NewDisposeScope();
        var (x, y) = Subset(data, examples, seed);
        model.eval();
        var parameters = model.parameters().ToArray();
        ExampleLosses losses = (start, count) => nn.functional.cross_entropy(model.forward(x.narrow(0, start, count)), y.narrow(0, start, count), reduction: nn.Reduction.None);
        var r = SharpnessAscent.Measure(losses, examples, parameters, options.Epsilon, options.AscentTolerance, options.AscentSteps);
        model.train();
        return r.Sharpness;
    }

    /// <summary>The former estimate: <paramref name="steps"/> sign-ascent steps of a whole box width from 0, the largest loss seen.</summary>
    private static double Former(Mlp model, ClassificationData data, int examples, long seed, double epsilon, int steps)
    {
        using var scope = NewDisposeScope();
        var (xs, ys) = Subset(data, examples, seed);
        model.eval();
        var parameters = model.parameters().ToArray();
        LossFunction loss = () => nn.functional.cross_entropy(model.forward(xs), ys);
        var saved = ParameterVector.Snapshot(parameters);
        var x = ParameterVector.Flatten(saved);
        var bound = (x.abs() + 1) * epsilon;
        var y = zeros_like(x);
        double f0 = double.NaN, best = double.NegativeInfinity;
        for (var s = 0; s <= steps; s++)
        {
            var g = ParameterVector.Gradient(loss, parameters, out var f);
            if (s == 0) f0 = f;
            best = Math.Max(best, f);
            if (s == steps) break;
            y = minimum(maximum(y + bound * g.sign(), -bound), bound);
            ParameterVector.Assign(parameters, x + y);
        }
        ParameterVector.Restore(parameters, saved);
        model.train();
        return 100 * (best - f0) / (1 + f0);
    }

    private static double Mean(double[] v) => v.Average();

    private static double Sd(double[] v) => Math.Sqrt(v.Sum(a => (a - v.Average()) * (a - v.Average())) / (v.Length - 1));

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
