using Declarative.Runtime.Data;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Data;

public sealed class DataSetTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-data-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static byte[] Bytes(int count, int salt) => Enumerable.Range(0, count).Select(i => (byte)((i * 37 + salt * 11) % 256)).ToArray();

    [Fact]
    public void Idx_data_set_round_trips_small_files_of_any_image_size()
    {
        var trainImages = Bytes(5 * 4 * 6, 1);
        var testImages = Bytes(2 * 4 * 6, 2);
        IdxFile.Write(Path.Combine(_folder, "train-images-idx3-ubyte"), [5, 4, 6], trainImages);
        IdxFile.Write(Path.Combine(_folder, "train-labels-idx1-ubyte"), [5], [0, 3, 9, 1, 1]);
        IdxFile.Write(Path.Combine(_folder, "t10k-images-idx3-ubyte"), [2, 4, 6], testImages);
        IdxFile.Write(Path.Combine(_folder, "t10k-labels-idx1-ubyte"), [2], [7, 2]);

        using var data = IdxDataSet.Load("KMNIST", _folder);
        using var scope = NewDisposeScope();

        Assert.Equal(5, data.TrainCount);
        Assert.Equal(2, data.TestCount);
        Assert.Equal([1, 4, 6], data.InputShape);
        Assert.Equal(new long[] { 0, 3, 9, 1, 1 }, data.TrainLabels.data<long>().ToArray());
        Assert.Equal(new long[] { 7, 2 }, data.TestLabels.data<long>().ToArray());
        // Pixels scaled to [0, 1] and standardised with the training mean and deviation, in file order.
        var raw = tensor(trainImages.Select(b => b / 255f).ToArray());
        var mean = raw.mean().item<float>();
        var std = raw.std().item<float>();
        var expected = tensor(testImages.Select(b => (b / 255f - mean) / std).ToArray()).reshape(2, 24);
        Assert.True(data.TestInputs.allclose(expected, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Idx_data_set_names_a_missing_file_and_where_to_get_it()
    {
        IdxFile.Write(Path.Combine(_folder, "train-images-idx3-ubyte"), [1, 2, 2], [1, 2, 3, 4]);
        var error = Assert.Throws<DataSetException>(() => IdxDataSet.Load("MNIST", _folder));
        Assert.Contains(Path.Combine(_folder, "train-labels-idx1-ubyte"), error.Message);
        Assert.Contains("yann.lecun.com", error.Message);
    }

    [Fact]
    public void Idx_data_set_names_a_label_out_of_range()
    {
        IdxFile.Write(Path.Combine(_folder, "train-images-idx3-ubyte"), [1, 2, 2], [1, 2, 3, 4]);
        IdxFile.Write(Path.Combine(_folder, "train-labels-idx1-ubyte"), [1], [12]);
        var error = Assert.Throws<DataSetException>(() => IdxDataSet.Load("MNIST", _folder));
        Assert.Contains(Path.Combine(_folder, "train-labels-idx1-ubyte"), error.Message);
        Assert.Contains("label 12", error.Message);
    }

    private void WriteCifar(string folder, int perTrainFile = 2, int test = 3)
    {
        for (var f = 0; f < 5; f++)
            Cifar10.Write(Path.Combine(folder, Cifar10.TrainFiles[f]), Enumerable.Range(0, perTrainFile).Select(i => (byte)((f * perTrainFile + i) % 10)).ToArray(), Bytes(perTrainFile * 3072, f));
        Cifar10.Write(Path.Combine(folder, Cifar10.TestFile), Enumerable.Range(0, test).Select(i => (byte)(9 - i)).ToArray(), Bytes(test * 3072, 9));
    }

    [Fact]
    public void Cifar10_round_trips_small_binary_batches()
    {
        WriteCifar(_folder);
        using var data = Cifar10.Load(_folder);
        using var scope = NewDisposeScope();

        Assert.Equal(10, data.TrainCount);
        Assert.Equal(3, data.TestCount);
        Assert.Equal(3072, data.InputSize);
        Assert.Equal([3, 32, 32], data.InputShape);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), data.TrainLabels.data<long>().ToArray());
        Assert.Equal(new long[] { 9, 8, 7 }, data.TestLabels.data<long>().ToArray());
        // Per-channel standardisation with the training statistics: each channel has mean 0 and deviation 1.
        var channels = data.TrainInputs.view(-1, 3, 1024);
        Assert.True(channels.mean([0L, 2L]).abs().max().item<float>() < 1e-4);
        Assert.True((channels.std([0L, 2L]) - 1).abs().max().item<float>() < 1e-4);
        // Record order and pixel layout: the first training pixel of channel 1 (green) is byte 1024 of record 0.
        var raw = Bytes(2 * 3072, 0);
        var greenMean = Enumerable.Range(0, 5).SelectMany(f => Bytes(2 * 3072, f).Chunk(3072).SelectMany(r => r.Skip(1024).Take(1024))).Average(b => b / 255.0);
        Assert.True(Math.Abs(raw[1024] / 255.0 - greenMean) > 0); // sanity: the value is not the mean
        Assert.Equal(Math.Sign(raw[1024] / 255.0 - greenMean), Math.Sign(data.TrainInputs[0, 1024].item<float>()));
    }

    [Fact]
    public void Cifar10_is_found_in_the_unpacked_subfolder()
    {
        var nested = Directory.CreateDirectory(Path.Combine(_folder, "cifar-10-batches-bin")).FullName;
        WriteCifar(nested, perTrainFile: 1, test: 1);
        Assert.Equal(nested, Cifar10.ResolveFolder(_folder));
    }

    [Fact]
    public void Cifar10_truncated_file_names_the_file_and_the_format()
    {
        WriteCifar(_folder);
        var broken = Path.Combine(_folder, "data_batch_3.bin");
        File.WriteAllBytes(broken, new byte[3073 + 100]);
        var error = Assert.Throws<DataSetException>(() => Cifar10.Load(_folder));
        Assert.Contains(broken, error.Message);
        Assert.Contains("3073-byte records", error.Message);
        Assert.Contains("cifar-10-binary.tar.gz", error.Message);
    }

    [Fact]
    public void Cifar10_bad_label_names_the_file_and_the_record()
    {
        WriteCifar(_folder);
        var bytes = File.ReadAllBytes(Path.Combine(_folder, Cifar10.TestFile));
        bytes[3073] = 42;
        File.WriteAllBytes(Path.Combine(_folder, Cifar10.TestFile), bytes);
        var error = Assert.Throws<DataSetException>(() => Cifar10.Load(_folder));
        Assert.Contains(Path.Combine(_folder, Cifar10.TestFile), error.Message);
        Assert.Contains("record 1 has label byte 42", error.Message);
    }

    [Fact]
    public void Cifar10_missing_file_and_folder_are_named()
    {
        var missingFolder = Path.Combine(_folder, "nowhere");
        Assert.Contains(missingFolder, Assert.Throws<DataSetException>(() => Cifar10.Load(missingFolder)).Message);
        var error = Assert.Throws<DataSetException>(() => Cifar10.Load(_folder));
        Assert.Contains(Path.Combine(_folder, "data_batch_1.bin"), error.Message);
        Assert.Contains("www.cs.toronto.edu/~kriz/cifar.html", error.Message);
    }

    [Fact]
    public void Synthetic_tasks_are_deterministic_and_shaped()
    {
        using var scope = NewDisposeScope();
        using var a = Synthetic.GaussianMixture(classes: 4, dimension: 6, train: 40, test: 8, separation: 2, seed: 3);
        using var b = Synthetic.GaussianMixture(classes: 4, dimension: 6, train: 40, test: 8, separation: 2, seed: 3);
        Assert.True(a.TrainInputs.Same(b.TrainInputs) && a.TrainLabels.Same(b.TrainLabels));
        Assert.Equal(10, a.TrainLabels.eq(0).sum().item<long>()); // balanced classes
        Assert.Equal([40L, 6L], a.TrainInputs.shape);

        using var teacher = Synthetic.TeacherStudent(dimension: 5, teacherWidth: 7, classes: 3, train: 30, test: 6, seed: 1);
        Assert.Equal(3, teacher.ClassCount);
        Assert.True(teacher.TrainLabels.lt(3).all().item<bool>());

        using var quadratic = Synthetic.QuadraticTarget(dimension: 3, train: 20, test: 5, seed: 1);
        Assert.True(quadratic.IsRegression);
        Assert.Equal([20L, 1L], quadratic.TrainLabels.shape);
        Assert.Equal(ScalarType.Float32, quadratic.TrainLabels.dtype);
    }

    [Fact]
    public void Catalogue_subsets_synthetic_and_idx_sets_once()
    {
        using var catalog = new DataCatalog();
        var first = catalog.GaussianMixture(3, 4, 50, 10, 2.0, 0, CPU);
        Assert.Same(first, catalog.GaussianMixture(3, 4, 50, 10, 2.0, 0, CPU));
        Assert.Throws<DataSetException>(() => catalog.Idx("MNIST", Path.Combine(_folder, "none"), 0, 0, CPU));
    }
}
