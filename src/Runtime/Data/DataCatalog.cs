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

    /// <summary>An IDX data set (MNIST, KMNIST, ...) from a folder: four files named <c>{trainPrefix|testPrefix}-{images-idx3|labels-idx1}-ubyte[.gz]</c>.</summary>
    public ClassificationData Idx(string name, string folder, int trainSubset, int testSubset, Device device, int classes = 10, string trainPrefix = "train", string testPrefix = "t10k")
    {
        var full = Get($"IDX:{name}:{Path.GetFullPath(folder)}:{trainPrefix}:{testPrefix}", () => IdxDataSet.Load(name, folder, classes, trainPrefix, testPrefix));
        return Get($"IDX:{name}:{Path.GetFullPath(folder)}:{trainPrefix}:{testPrefix}:{trainSubset}:{testSubset}:{device}", () => full.Subset(trainSubset, testSubset, device));
    }

    /// <summary>CIFAR-10's binary version from a folder (null: the DECLARATIVE_CIFAR10 environment variable).</summary>
    public ClassificationData Cifar10(string? folder, int trainSubset, int testSubset, Device device)
    {
        var resolved = Data.Cifar10.ResolveFolder(folder);
        var full = Get($"CIFAR-10:{Path.GetFullPath(resolved)}", () => Data.Cifar10.Load(resolved));
        return Get($"CIFAR-10:{Path.GetFullPath(resolved)}:{trainSubset}:{testSubset}:{device}", () => full.Subset(trainSubset, testSubset, device));
    }

    /// <summary>A Gaussian mixture classification task (<see cref="Data.Synthetic.GaussianMixture"/>), generated once per process.</summary>
    public ClassificationData GaussianMixture(int classes, int dimension, int train, int test, double separation, long dataSeed, Device device) =>
        OnDevice($"GaussianMixture:{classes}:{dimension}:{train}:{test}:{separation:R}:{dataSeed}", () => Data.Synthetic.GaussianMixture(classes, dimension, train, test, separation, dataSeed), device);

    /// <summary>A teacher–student classification task (<see cref="Data.Synthetic.TeacherStudent"/>), generated once per process.</summary>
    public ClassificationData TeacherStudent(int dimension, int teacherWidth, int classes, int train, int test, long dataSeed, Device device) =>
        OnDevice($"TeacherStudent:{dimension}:{teacherWidth}:{classes}:{train}:{test}:{dataSeed}", () => Data.Synthetic.TeacherStudent(dimension, teacherWidth, classes, train, test, dataSeed), device);

    /// <summary>A quadratic-target regression task (<see cref="Data.Synthetic.QuadraticTarget"/>), generated once per process.</summary>
    public ClassificationData QuadraticTarget(int dimension, int train, int test, double noise, long dataSeed, Device device) =>
        OnDevice($"QuadraticTarget:{dimension}:{train}:{test}:{noise:R}:{dataSeed}", () => Data.Synthetic.QuadraticTarget(dimension, train, test, noise, dataSeed), device);

    private ClassificationData OnDevice(string key, Func<ClassificationData> create, Device device)
    {
        var full = Get(key, create);
        return Get($"{key}:{device}", () => full.Subset(0, 0, device));
    }

    public void Dispose()
    {
        foreach (var data in _cache.Values) data.Dispose();
        _cache.Clear();
    }
}
