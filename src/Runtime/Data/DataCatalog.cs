using System.Collections.Concurrent;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// The data sets a process has loaded, so that the trials of a sweep read each file once.
/// Generated training loops ask it for their data set and subset.
/// </summary>
public sealed class DataCatalog : IDisposable
{
    private readonly ConcurrentDictionary<string, ClassificationData> _cache = new();
    private readonly string? _fashionMnistFolder;

    public DataCatalog(string? fashionMnistFolder = null) => _fashionMnistFolder = fashionMnistFolder;

    /// <summary>Registers an in-memory data set under a name (synthetic tasks, tests).</summary>
    public void Register(string name, ClassificationData data) => _cache[name] = data;

    public ClassificationData Get(string name, Func<ClassificationData> load) => _cache.GetOrAdd(name, _ => load());

    public ClassificationData FashionMnist(int trainSubset, int testSubset, Device device)
    {
        var folder = Data.FashionMnist.ResolveFolder(_fashionMnistFolder);
        var full = Get("FashionMNIST", () => Data.FashionMnist.Load(folder));
        return Get($"FashionMNIST:{trainSubset}:{testSubset}:{device}", () => full.Subset(trainSubset, testSubset, device));
    }

    /// <summary>A registered data set by name (for experiments declared on a data set a test or tool supplies).</summary>
    public ClassificationData Named(string name, int trainSubset, int testSubset, Device device)
    {
        if (!_cache.TryGetValue(name, out var full))
            throw new DataSetException($"No data set named '{name}' is registered with the data catalogue.");
        return Get($"{name}:{trainSubset}:{testSubset}:{device}", () => full.Subset(trainSubset, testSubset, device));
    }

    public void Dispose()
    {
        foreach (var data in _cache.Values) data.Dispose();
        _cache.Clear();
    }
}
