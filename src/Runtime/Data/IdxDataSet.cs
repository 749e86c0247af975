using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// Any MNIST-like classification data set stored as four IDX files (MNIST, KMNIST, Fashion-MNIST):
/// <c>{train}-images-idx3-ubyte</c>, <c>{train}-labels-idx1-ubyte</c>, <c>{test}-images-idx3-ubyte</c>
/// and <c>{test}-labels-idx1-ubyte</c>, each plain or gzip-compressed, in one folder. Images of any
/// size H×W are flattened to H·W features, scaled to [0, 1] and standardised with the training
/// mean and deviation; <see cref="ClassificationData.InputShape"/> is (1, H, W).
/// </summary>
public static class IdxDataSet
{
    public static string HowToGet(string name, string trainPrefix = "train", string testPrefix = "t10k") =>
        $"{name} is read from four IDX files ({trainPrefix}-images-idx3-ubyte, {trainPrefix}-labels-idx1-ubyte, " +
        $"{testPrefix}-images-idx3-ubyte, {testPrefix}-labels-idx1-ubyte, plain or .gz) in one folder; MNIST is at " +
        "https://yann.lecun.com/exdb/mnist/ (mirror: https://ossci-datasets.s3.amazonaws.com/mnist/), KMNIST at " +
        "https://github.com/rois-codh/kmnist (the 'kmnist' IDX files).";

    /// <summary>
    /// Loads a data set from a folder. <paramref name="classes"/> bounds the labels; <paramref name="expectedTrain"/>
    /// and <paramref name="expectedTest"/>, when positive, check the example counts.
    /// </summary>
    public static ClassificationData Load(string name, string folder, int classes = 10, string trainPrefix = "train", string testPrefix = "t10k",
        string? howToGet = null, int expectedTrain = 0, int expectedTest = 0)
    {
        howToGet ??= HowToGet(name, trainPrefix, testPrefix);
        if (!Directory.Exists(folder))
            throw new DataSetException($"{name} folder '{folder}' does not exist. {howToGet}");
        var train = ReadSplit(name, folder, trainPrefix, classes, howToGet, expectedTrain);
        var test = ReadSplit(name, folder, testPrefix, classes, howToGet, expectedTest);
        if (train.Height != test.Height || train.Width != test.Width)
            throw new DataSetException($"{name}: training images are {train.Height}x{train.Width} but test images are {test.Height}x{test.Width} (in '{folder}'). {howToGet}");
        var data = FashionMnist.FromBytes(name, train.Images, train.Labels, test.Images, test.Labels, train.Height * train.Width, classes);
        return new ClassificationData(data.Name, data.TrainInputs, data.TrainLabels, data.TestInputs, data.TestLabels, classes)
        {
            InputShape = [1, train.Height, train.Width],
        };
    }

    private sealed record Split(byte[] Images, byte[] Labels, int Height, int Width);

    private static Split ReadSplit(string name, string folder, string prefix, int classes, string howToGet, int expectedCount)
    {
        var imagesName = $"{prefix}-images-idx3-ubyte";
        var labelsName = $"{prefix}-labels-idx1-ubyte";
        var imagesPath = IdxFile.Locate(folder, imagesName)
            ?? throw new DataSetException($"{name} file '{Path.Combine(folder, imagesName)}[.gz]' is missing. {howToGet}");
        var labelsPath = IdxFile.Locate(folder, labelsName)
            ?? throw new DataSetException($"{name} file '{Path.Combine(folder, labelsName)}[.gz]' is missing. {howToGet}");

        var images = IdxFile.Read(imagesPath, 3, howToGet);
        var labels = IdxFile.Read(labelsPath, 1, howToGet);
        if (expectedCount > 0 && images.Shape[0] != expectedCount)
            throw new DataSetException($"'{imagesPath}' holds images of shape [{string.Join(", ", images.Shape)}], expected [{expectedCount}, H, W]. {howToGet}");
        if (labels.Shape[0] != images.Shape[0])
            throw new DataSetException($"'{labelsPath}' holds {labels.Shape[0]} labels but '{imagesPath}' holds {images.Shape[0]} images. {howToGet}");
        var bad = Array.FindIndex(labels.Data, l => l >= classes);
        if (bad >= 0)
            throw new DataSetException($"'{labelsPath}' holds label {labels.Data[bad]} at index {bad}, outside 0-{classes - 1}. {howToGet}");
        return new Split(images.Data, labels.Data, images.Shape[1], images.Shape[2]);
    }
}
