using System.Diagnostics;
using Declarative.Runtime.Torch;
using TorchSharp;
using Declarative.Runtime.Weights;
using static TorchSharp.torch;

namespace Declarative.EndToEnd.Tests;

/// <summary>Weights written as .npy + manifest.json read back the same, in C# and (where present) with NumPy.</summary>
public sealed class WeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static nn.Module<Tensor, Tensor> Model(ScalarType type)
    {
        TorchEnvironment.EnsureLoaded();
        manual_seed(7);
        var model = nn.Sequential(("hidden", nn.Linear(5, 3)), ("relu", nn.ReLU()), ("out", nn.Linear(3, 2)));
        return type == ScalarType.Float64 ? model.to(ScalarType.Float64) : model;
    }

    [Theory]
    [InlineData(ScalarType.Float32, "<f4", "float32")]
    [InlineData(ScalarType.Float64, "<f8", "float64")]
    public void Saved_weights_read_back_exactly_in_csharp(ScalarType type, string descr, string dtype)
    {
        using var model = Model(type);
        var folder = Path.Combine(_folder, "initial");

        WeightsWriter.Save(model, folder, new Dictionary<string, object?> { ["trial_id"] = "abc", ["parameters"] = new Dictionary<string, string> { ["LearningRate"] = "0.1" } });

        var manifest = WeightsReader.ReadManifest(folder);
        Assert.Equal(["hidden.weight", "hidden.bias", "out.weight", "out.bias"], manifest.Tensors.Select(t => t.Name));
        Assert.All(manifest.Tensors, t => Assert.Equal(dtype, t.DType));
        Assert.Equal([3L, 5L], manifest.Tensors[0].Shape);
        Assert.Equal("abc", manifest.Extras["trial_id"]!.ToString());
        var read = WeightsReader.Read(folder);
        foreach (var (name, tensor) in model.state_dict())
        {
            Assert.Equal(descr, read[name].Descr);
            Assert.Equal(tensor.to_type(ScalarType.Float64).data<double>().ToArray(), read[name].Values);
        }

        using var other = Model(type);
        foreach (var p in other.parameters()) using (no_grad()) p.zero_();
        WeightsReader.Load(other, folder);
        foreach (var (name, tensor) in model.state_dict())
            Assert.Equal(tensor.to_type(ScalarType.Float64).data<double>().ToArray(), other.state_dict()[name].to_type(ScalarType.Float64).data<double>().ToArray());
        Assert.DoesNotContain(Directory.GetDirectories(_folder), d => Path.GetFileName(d).StartsWith('.')); // no staging folder left behind
    }

    [Fact]
    public void Saved_weights_read_back_exactly_with_numpy()
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python) || Run(python, "-c \"import numpy\"").Exit != 0) return; // no NumPy here: nothing to check against
        using var model = Model(ScalarType.Float32);
        var folder = Path.Combine(_folder, "final");
        WeightsWriter.Save(model, folder);
        var expected = string.Join(" ", model.state_dict().Select(kv => kv.Value.sum().item<float>().ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
        var script = Path.Combine(_folder, "read.py");
        File.WriteAllText(script, """
            import json, sys
            import numpy as np
            folder = sys.argv[1]
            m = json.load(open(folder + "/manifest.json"))
            out = []
            for t in m["tensors"]:
                a = np.load(folder + "/" + t["file"])
                assert a.dtype == np.dtype(t["dtype"]), (a.dtype, t["dtype"])
                assert list(a.shape) == t["shape"], (a.shape, t["shape"])
                assert a.flags["C_CONTIGUOUS"]
                out.append(repr(float(a.sum(dtype=np.float32))))
            print(" ".join(out))
            """);

        var (exit, output) = Run(python, $"\"{script}\" \"{folder}\"");

        Assert.True(exit == 0, output);
        var numpy = output.Trim().Split(' ').Select(double.Parse).ToArray();
        var torchSums = expected.Split(' ').Select(double.Parse).ToArray();
        Assert.Equal(torchSums.Length, numpy.Length);
        for (var i = 0; i < numpy.Length; i++) Assert.Equal(torchSums[i], numpy[i], 5);
    }

    private static (int Exit, string Output) Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}
