using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// A classification data set held on the device: inputs as one float tensor [N, features] and labels
/// as one int64 tensor [N]. Batches are views or gathers of these tensors; nothing is copied per step.
/// </summary>
public sealed class ClassificationData : IDisposable
{
    public ClassificationData(string name, Tensor trainInputs, Tensor trainLabels, Tensor testInputs, Tensor testLabels, int classCount)
    {
        Name = name;
        TrainInputs = trainInputs;
        TrainLabels = trainLabels;
        TestInputs = testInputs;
        TestLabels = testLabels;
        ClassCount = classCount;
    }

    public string Name { get; }
    public Tensor TrainInputs { get; }
    public Tensor TrainLabels { get; }
    public Tensor TestInputs { get; }
    public Tensor TestLabels { get; }
    public int ClassCount { get; }

    public int TrainCount => (int)TrainInputs.shape[0];
    public int TestCount => (int)TestInputs.shape[0];
    public int InputSize => (int)TrainInputs.shape[1];

    /// <summary>
    /// The first <paramref name="train"/> and <paramref name="test"/> examples of a fixed permutation
    /// (seeded independently of any trial, so every trial of an experiment sees the same subset);
    /// 0 keeps the whole set.
    /// </summary>
    public ClassificationData Subset(int train, int test, Device device)
    {
        var (trainX, trainY) = Take(TrainInputs, TrainLabels, train, seed: 20_170_101);
        var (testX, testY) = Take(TestInputs, TestLabels, test, seed: 20_170_102);
        var name = train == 0 && test == 0 ? Name : $"{Name}[{(train == 0 ? TrainCount : train)}/{(test == 0 ? TestCount : test)}]";
        return new ClassificationData(name, trainX.to(device), trainY.to(device), testX.to(device), testY.to(device), ClassCount);
    }

    private static (Tensor X, Tensor Y) Take(Tensor x, Tensor y, int count, long seed)
    {
        var n = (int)x.shape[0];
        if (count <= 0 || count >= n) return (x.alias(), y.alias());
        using var generator = new Generator((ulong)seed);
        using var permutation = randperm(n, generator: generator, device: x.device);
        using var index = permutation.narrow(0, 0, count);
        return (x.index_select(0, index), y.index_select(0, index));
    }

    public void Dispose()
    {
        TrainInputs.Dispose();
        TrainLabels.Dispose();
        TestInputs.Dispose();
        TestLabels.Dispose();
    }
}
