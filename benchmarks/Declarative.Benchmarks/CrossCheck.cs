using System.Globalization;
using System.Text.Json;
using Declarative.Runtime.Data;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Models;
using Declarative.Runtime.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Benchmarks;

/// <summary>
/// The .NET half of the PyTorch cross-check (tools/crosscheck_pytorch.py): on a kept trial's weights
/// (an MLP's initial/ and final/ snapshots), computes with Declarative's own numerics the mean
/// cross-entropy, the top Hessian eigenvalues (Lanczos), a Hutchinson trace estimate with its
/// standard error, and the loss profile on the segment from the initial to the final weights, on the
/// first N Fashion-MNIST test examples; writes them to JSON with the examples as .npy, so PyTorch
/// computes the same quantities on exactly the same inputs.
/// </summary>
internal static class CrossCheck
{
    public static int Run(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var trial = Option("--trial", "");
        var output = Option("--out", "artifacts/crosscheck");
        var examples = int.Parse(Option("--examples", "1024"), CultureInfo.InvariantCulture);
        var probes = int.Parse(Option("--probes", "200"), CultureInfo.InvariantCulture);
        var topK = int.Parse(Option("--top-k", "3"), CultureInfo.InvariantCulture);
        var hidden = Option("--hidden", "256,256").Split(',').Select(int.Parse).ToArray();
        if (trial.Length == 0 || !Directory.Exists(Path.Combine(trial, "final")) || !Directory.Exists(Path.Combine(trial, "initial")))
        {
            Console.Error.WriteLine("usage: Declarative.Benchmarks crosscheck --trial <artifacts/weights/<experiment>/<trial-id>> [--out dir] [--examples 1024] [--probes 200] [--top-k 3] [--hidden 256,256]");
            Console.Error.WriteLine("The trial folder must hold initial/ and final/ snapshots: run with --keep-weights.");
            return 2;
        }
        torch.set_num_threads(2);
        Directory.CreateDirectory(output);

        using var data = FashionMnist.Load(FashionMnist.ResolveFolder(null));
        var inputs = data.TestInputs.narrow(0, 0, examples).contiguous();
        var labels = data.TestLabels.narrow(0, 0, examples).contiguous();
        WriteNpy(Path.Combine(output, "inputs.npy"), inputs);
        WriteNpy(Path.Combine(output, "labels.npy"), labels);

        using var model = Mlp.Create(data.InputSize, hidden, data.ClassCount, CPU);
        model.to(ScalarType.Float64);
        using var inputs64 = inputs.to_type(ScalarType.Float64);
        var parameters = model.parameters().Select(p => (Tensor)p).ToList();
        LossFunction loss = () => nn.functional.cross_entropy(model.forward(inputs64), labels);

        WeightsReader.Load(model, Path.Combine(trial, "initial"));
        var initial = ParameterVector.Flatten(parameters.Select(p => p.detach())).to_type(ScalarType.Float64);
        WeightsReader.Load(model, Path.Combine(trial, "final"));
        var final = ParameterVector.Flatten(parameters.Select(p => p.detach())).to_type(ScalarType.Float64);
        model.eval();

        using var hvp = new HessianVectorProduct(loss, parameters);
        using var generator = new Generator(7);
        using var lanczos = Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, topK, 80, 1e-8, generator);
        var trace = Hutchinson.Probes(hvp.Apply, hvp.Dimension, probes, generator);
        var alphas = LineProfile.Grid(-0.5, 1.5, 21);
        var profile = LineProfile.Measure(loss, parameters, initial, final - initial, alphas);

        var result = new Dictionary<string, object>
        {
            ["examples"] = examples,
            ["loss"] = hvp.Loss,
            ["top_eigenvalues"] = lanczos.Values,
            ["trace_mean"] = trace.Average(),
            ["trace_stderr"] = Math.Sqrt(trace.Select(t => (t - trace.Average()) * (t - trace.Average())).Sum() / (trace.Length - 1) / trace.Length),
            ["trace_probes"] = probes,
            ["alphas"] = alphas,
            ["profile"] = profile.Losses,
            ["hidden"] = hidden,
        };
        File.WriteAllText(Path.Combine(output, "declarative.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"Declarative: loss {hvp.Loss:G8}, λ {string.Join(", ", lanczos.Values.Select(v => v.ToString("G8", CultureInfo.InvariantCulture)))}, " +
                          $"trace {result["trace_mean"]:G6} ± {result["trace_stderr"]:G3}; written to {Path.GetFullPath(output)}");
        return 0;
    }

    private static void WriteNpy(string path, Tensor tensor)
    {
        var (descr, bytes) = tensor.dtype switch
        {
            ScalarType.Float32 => ("<f4", tensor.data<float>().ToArray().SelectMany(BitConverter.GetBytes).ToArray()),
            ScalarType.Int64 => ("<i8", tensor.data<long>().ToArray().SelectMany(BitConverter.GetBytes).ToArray()),
            _ => throw new NotSupportedException(tensor.dtype.ToString()),
        };
        using var stream = File.Create(path);
        NpyFile.Write(stream, descr, tensor.shape, bytes);
    }
}
