using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// A data set held on the device: inputs as one float tensor [N, features] and labels as one int64
/// tensor [N] (classification), or, when <see cref="ClassCount"/> is 0, targets as one float tensor
/// [N, outputs] (regression, trained on mean squared error). Batches are views or gathers of these
/// tensors; nothing is copied per step.
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
    /// <summary>The number of classes; 0 for a regression task.</summary>
    public int ClassCount { get; }

    /// <summary>The shape of one example before flattening, e.g. (1, 28, 28) or (3, 32, 32); (features) when it has none.</summary>
    public IReadOnlyList<int> InputShape
    {
        get => _inputShape ?? [InputSize];
        init => _inputShape = value;
    }

    private readonly IReadOnlyList<int>? _inputShape;

    /// <summary>A regression task (targets are floats, the loss is mean squared error).</summary>
    public bool IsRegression => ClassCount == 0;

    /// <summary>The model's number of outputs: classes, or target dimensions for regression.</summary>
    public int OutputSize => IsRegression ? (TrainLabels.dim() == 1 ? 1 : (int)TrainLabels.shape[1]) : ClassCount;

    /// <summary>
    /// With label noise (<see cref="LabelNoise"/>): a boolean tensor [N] marking the training examples whose label
    /// was flipped, and the labels before flipping. Null otherwise. The test set never carries noise.
    /// </summary>
    public Tensor? FlippedMask { get; init; }

    public Tensor? CleanTrainLabels { get; init; }

    /// <summary>The fraction of training labels flipped (0 without label noise).</summary>
    public double NoiseFraction { get; init; }

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
        if (FlippedMask is not null)
            throw new InvalidOperationException("Take the subset before adding label noise, so that the flipped fraction is exact on the examples trained on.");
        return new ClassificationData(name, trainX.to(device), trainY.to(device), testX.to(device), testY.to(device), ClassCount) { InputShape = InputShape };
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

    /// <summary>The same tensors under another name (ownership moves to the result).</summary>
    internal ClassificationData Renamed(string name) =>
        new(name, TrainInputs, TrainLabels, TestInputs, TestLabels, ClassCount) { InputShape = InputShape };

    public void Dispose()
    {
        TrainInputs.Dispose();
        TrainLabels.Dispose();
        TestInputs.Dispose();
        TestLabels.Dispose();
        FlippedMask?.Dispose();
        CleanTrainLabels?.Dispose();
    }
}
