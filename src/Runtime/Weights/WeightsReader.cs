using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Weights;

/// <summary>Reads a folder written by <see cref="WeightsWriter"/>: the manifest and each tensor, or loads them into a module.</summary>
public static class WeightsReader
{
    public static WeightsManifest ReadManifest(string folder)
    {
        var path = Path.Combine(folder, WeightsWriter.ManifestFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"No weights manifest at '{path}'.", path);
        var manifest = JsonSerializer.Deserialize<WeightsManifest>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"'{path}' is empty.");
        if (manifest.Format != WeightsManifest.CurrentFormat)
            throw new InvalidDataException($"'{path}' has format '{manifest.Format}'; this build reads '{WeightsManifest.CurrentFormat}'.");
        return manifest;
    }

    /// <summary>Every tensor of the folder by its state-dict name.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(string folder) =>
        ReadManifest(folder).Tensors.ToDictionary(t => t.Name, t => NpyFile.Read(Path.Combine(folder, t.File)));

    /// <summary>Copies the folder's tensors into the module's parameters and buffers of the same names and shapes.</summary>
    public static void Load(nn.Module module, string folder)
    {
        var tensors = Read(folder);
        using var noGrad = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            if (!tensors.TryGetValue(name, out var array))
                throw new InvalidDataException($"The weights in '{folder}' have no tensor '{name}'.");
            if (!array.Shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"Tensor '{name}' in '{folder}' has shape ({string.Join(", ", array.Shape)}), the module expects ({string.Join(", ", target.shape)}).");
            using var source = tensor(array.Values, array.Shape.ToArray(), ScalarType.Float64);
            target.copy_(source.to(target.dtype).to(target.device));
        }
    }
}
