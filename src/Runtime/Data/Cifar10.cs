using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// CIFAR-10 in its binary version: <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> and
/// <c>test_batch.bin</c>, each a sequence of 3073-byte records (1 label byte 0-9, then 1024 red,
/// 1024 green and 1024 blue pixel bytes of a 32x32 image, row-major). Read from a folder or its
/// <c>cifar-10-batches-bin</c> subfolder. Inputs are [N, 3072] in channel-major order (InputShape
/// (3, 32, 32)), scaled to [0, 1] and standardised per channel with the training statistics.
/// </summary>
public static class Cifar10
{
    public const string EnvironmentVariable = "DECLARATIVE_CIFAR10";
    public const int RecordSize = 1 + 3 * 32 * 32;
    public static readonly string[] TrainFiles = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    public const string TestFile = "test_batch.bin";

    public const string HowToGet =
        "Download the CIFAR-10 binary version (cifar-10-binary.tar.gz, https://www.cs.toronto.edu/~kriz/cifar.html), " +
        "unpack it, and name the folder holding data_batch_1.bin … data_batch_5.bin and test_batch.bin (or its parent) " +
        "with --data or the " + EnvironmentVariable + " environment variable. Each file is a sequence of 3073-byte records: " +
        "1 label byte (0-9) and 3072 pixel bytes (32x32 red, green, blue planes).";

    /// <summary>The explicit folder, else the environment variable; null when neither is set.</summary>
    public static string ResolveFolder(string? explicitFolder)
    {
        var folder = !string.IsNullOrWhiteSpace(explicitFolder) ? explicitFolder
            : Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
            : throw new DataSetException($"No CIFAR-10 folder was given. {HowToGet}");
        var nested = Path.Combine(folder, "cifar-10-batches-bin");
        return !File.Exists(Path.Combine(folder, TestFile)) && Directory.Exists(nested) ? nested : folder;
    }

    public static ClassificationData Load(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DataSetException($"CIFAR-10 folder '{folder}' does not exist. {HowToGet}");
        var (trainPixels, trainLabels) = ReadFiles(TrainFiles.Select(f => Path.Combine(folder, f)));
        var (testPixels, testLabels) = ReadFiles([Path.Combine(folder, TestFile)]);
        return FromBytes("CIFAR-10", trainPixels, trainLabels, testPixels, testLabels);
    }

    private static (byte[] Pixels, byte[] Labels) ReadFiles(IEnumerable<string> paths)
    {
        var pixels = new List<byte[]>();
        var labels = new List<byte>();
        foreach (var path in paths)
        {
            if (!File.Exists(path))
                throw new DataSetException($"CIFAR-10 file '{path}' is missing. {HowToGet}");
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DataSetException($"Cannot read CIFAR-10 file '{path}': {e.Message}. {HowToGet}", e);
            }
            var (p, l) = Parse(bytes, path);
            pixels.Add(p);
            labels.AddRange(l);
        }
        return (pixels.SelectMany(p => p).ToArray(), labels.ToArray());
    }

    /// <summary>Splits one file's bytes into pixels and labels, checking the record structure.</summary>
    public static (byte[] Pixels, byte[] Labels) Parse(byte[] bytes, string path)
    {
        if (bytes.Length == 0 || bytes.Length % RecordSize != 0)
            throw new DataSetException($"'{path}' is not a CIFAR-10 binary batch: its {bytes.Length} bytes are not a whole number of {RecordSize}-byte records. {HowToGet}");
        var count = bytes.Length / RecordSize;
        var pixels = new byte[count * (RecordSize - 1)];
        var labels = new byte[count];
        for (var i = 0; i < count; i++)
        {
            var record = bytes.AsSpan(i * RecordSize, RecordSize);
            if (record[0] > 9)
                throw new DataSetException($"'{path}' is not a CIFAR-10 binary batch: record {i} has label byte {record[0]}, expected 0-9. {HowToGet}");
            labels[i] = record[0];
            record[1..].CopyTo(pixels.AsSpan(i * (RecordSize - 1)));
        }
        return (pixels, labels);
    }

    /// <summary>Writes records in the CIFAR-10 binary format (tests and tools).</summary>
    public static void Write(string path, byte[] labels, byte[] pixels)
    {
        if (pixels.Length != labels.Length * (RecordSize - 1)) throw new ArgumentException("3072 pixel bytes per label are needed.", nameof(pixels));
        using var stream = File.Create(path);
        for (var i = 0; i < labels.Length; i++)
        {
            stream.WriteByte(labels[i]);
            stream.Write(pixels, i * (RecordSize - 1), RecordSize - 1);
        }
    }

    public static ClassificationData FromBytes(string name, byte[] trainPixels, byte[] trainLabels, byte[] testPixels, byte[] testLabels)
    {
        const int features = RecordSize - 1;
        var trainX = ToInputs(trainPixels, features);
        var testX = ToInputs(testPixels, features);
        using (var scope = NewDisposeScope())
        {
            // Per-channel statistics of the training set, applied to both splits.
            var channels = trainX.view(-1, 3, 32 * 32);
            var mean = channels.mean([0L, 2L]).view(1, 3, 1);
            var std = channels.std([0L, 2L]).view(1, 3, 1).clamp_min(1e-6);
            trainX.view(-1, 3, 32 * 32).sub_(mean).div_(std);
            testX.view(-1, 3, 32 * 32).sub_(mean).div_(std);
        }
        return new ClassificationData(name, trainX, ToLabels(trainLabels), testX, ToLabels(testLabels), 10) { InputShape = [3, 32, 32] };
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
