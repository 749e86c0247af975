using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Weights;

/// <summary>
/// Saves a module's state dict as one NumPy <c>.npy</c> file per tensor (version 1.0, little-endian,
/// C order) plus <c>manifest.json</c>, readable without .NET:
/// <code>
/// import json, numpy as np
/// m = json.load(open(folder + "/manifest.json"))
/// weights = {t["name"]: np.load(folder + "/" + t["file"]) for t in m["tensors"]}
/// </code>
/// The folder is written beside its destination and moved into place, so a process killed while
/// saving leaves either the previous folder or the new one, never half of one.
/// </summary>
public static class WeightsWriter
{
    public const string ManifestFile = "manifest.json";

    public static WeightsManifest Save(nn.Module module, string folder, IReadOnlyDictionary<string, object?>? manifestExtras = null)
    {
        folder = Path.GetFullPath(folder);
        var parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, "." + Path.GetFileName(folder) + ".tmp-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(staging);
        try
        {
            var entries = new List<WeightsTensor>();
            var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, tensor) in module.state_dict())
            {
                var file = FileName(name, used);
                using var scope = NewDisposeScope();
                var cpu = tensor.detach().cpu().contiguous();
                var shape = cpu.shape;
                var (descr, dtype, data) = cpu.dtype switch
                {
                    ScalarType.Float32 => ("<f4", "float32", MemoryMarshal.AsBytes<float>(cpu.data<float>().ToArray()).ToArray()),
                    ScalarType.Float64 => ("<f8", "float64", MemoryMarshal.AsBytes<double>(cpu.data<double>().ToArray()).ToArray()),
                    ScalarType.Int64 => ("<i8", "int64", MemoryMarshal.AsBytes<long>(cpu.data<long>().ToArray()).ToArray()),
                    _ => ("<f4", "float32", MemoryMarshal.AsBytes<float>(cpu.to_type(ScalarType.Float32).data<float>().ToArray()).ToArray()),
                };
                using (var stream = File.Create(Path.Combine(staging, file)))
                    NpyFile.Write(stream, descr, shape, data);
                entries.Add(new WeightsTensor(name, file, dtype, shape));
            }

            var manifest = new WeightsManifest(WeightsManifest.CurrentFormat, entries, manifestExtras ?? new Dictionary<string, object?>());
            File.WriteAllText(Path.Combine(staging, ManifestFile), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder);
            return manifest;
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static string FileName(string name, HashSet<string> used)
    {
        var safe = string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_'));
        var file = safe + ".npy";
        for (var i = 2; !used.Add(file); i++) file = $"{safe}.{i}.npy";
        return file;
    }
}
