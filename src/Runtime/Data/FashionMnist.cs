using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>Fashion-MNIST from its four IDX files (Debian's <c>dataset-fashion-mnist</c> or a user folder).</summary>
public static class FashionMnist
{
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";
    public const string EnvironmentVariable = "DECLARATIVE_FASHION_MNIST";

    public const string HowToGet =
        "Install it with `sudo apt-get install dataset-fashion-mnist` (files in " + DefaultFolder + "), " +
        "or put train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte " +
        "(plain or .gz) in a folder named by --data or the " + EnvironmentVariable + " environment variable.";

    /// <summary>The fix for a missing or unreadable file: the Debian package for Debian's folder, the four files for the user's own.</summary>
    public static string HowToFix(string folder) =>
        Path.GetFullPath(folder) == DefaultFolder ? HowToGet
        : $"'{folder}' is your own folder (from --data or {EnvironmentVariable}): it needs train-images-idx3-ubyte, train-labels-idx1-ubyte, " +
          "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (plain or .gz, the original IDX files); fix or replace them, " +
          $"or leave out --data and {EnvironmentVariable} to use Debian's dataset-fashion-mnist.";

    /// <summary>The folder to read: the explicit one, else the environment variable, else Debian's.</summary>
    public static string ResolveFolder(string? explicitFolder) =>
        !string.IsNullOrWhiteSpace(explicitFolder) ? explicitFolder
        : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : DefaultFolder;

    /// <summary>Loads the whole data set: pixels scaled to [0, 1] and standardised with the training mean and deviation.</summary>
    public static ClassificationData Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DataSetException($"Fashion-MNIST folder '{folder}' does not exist. {HowToFix(folder)}");
        return IdxDataSet.Load("Fashion-MNIST", folder, classes: 10, howToGet: HowToFix(folder), expectedTrain: 60_000, expectedTest: 10_000)
            .Renamed("FashionMNIST");
    }

    public static ClassificationData FromBytes(string name, byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels, int pixels, int classes)
    {
        var trainX = ToInputs(trainImages, pixels);
        var testX = ToInputs(testImages, pixels);
        // Standardise with the training set's statistics (a fixed, data-derived transform).
        var mean = trainX.mean().item<float>();
        var std = trainX.std().item<float>();
        trainX.sub_(mean).div_(std);
        testX.sub_(mean).div_(std);
        return new ClassificationData(name, trainX, ToLabels(trainLabels), testX, ToLabels(testLabels), classes);
    }

    private static Tensor ToInputs(byte[] pixels, int perExample)
    {
        using var raw = tensor(pixels, dtype: ScalarType.Byte);
        return raw.reshape(pixels.Length / perExample, perExample).to_type(ScalarType.Float32).div_(255f);
    }

    private static Tensor ToLabels(byte[] labels)
    {
        using var raw = tensor(labels, dtype: ScalarType.Byte);
        return raw.to_type(ScalarType.Int64);
    }
}
