using System.IO.Compression;
using Declarative.Runtime.Data;

namespace Declarative.Runtime.Tests.Data;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-idx-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Writes_and_reads_back_plain_and_gzip_files()
    {
        var data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        var plain = Path.Combine(_folder, "x-idx3-ubyte");
        IdxFile.Write(plain, [2, 3, 4], data);
        var zipped = plain + ".gz";
        using (var source = File.OpenRead(plain))
        using (var target = new GZipStream(File.Create(zipped), CompressionLevel.Fastest))
            source.CopyTo(target);

        foreach (var path in new[] { plain, zipped })
        {
            var content = IdxFile.Read(path, 3, "how");
            Assert.Equal([2, 3, 4], content.Shape);
            Assert.Equal(data, content.Data);
        }
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 8, 1, 0, 0, 0, 1, 7 }, "bad magic number")]
    [InlineData(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 7 }, "data type 0x0d")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 7 }, "1 data bytes, header says 2")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "2 dimension(s)")]
    public void Corrupt_file_names_the_file_and_the_problem(byte[] bytes, string problem)
    {
        var path = Path.Combine(_folder, "bad-idx1-ubyte");
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<DataSetException>(() => IdxFile.Read(path, 1, "Get it from somewhere."));

        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Contains("Get it from somewhere.", error.Message);
    }

    [Fact]
    public void Missing_fashion_mnist_in_the_users_own_folder_names_the_file_and_the_files_needed_not_the_debian_package()
    {
        var error = Assert.Throws<DataSetException>(() => FashionMnist.Load(_folder));

        Assert.Contains(Path.Combine(_folder, "train-images-idx3-ubyte"), error.Message);
        Assert.Contains("is your own folder", error.Message);
        Assert.Contains("t10k-labels-idx1-ubyte", error.Message);
        Assert.DoesNotContain("apt-get install", error.Message);
    }

    [Fact]
    public void The_fix_for_debians_folder_is_the_install_command()
    {
        Assert.Contains("apt-get install dataset-fashion-mnist", FashionMnist.HowToFix(FashionMnist.DefaultFolder));
    }

    [Fact]
    public void Missing_fashion_mnist_folder_is_named()
    {
        var missing = Path.Combine(_folder, "nowhere");
        var error = Assert.Throws<DataSetException>(() => FashionMnist.Load(missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void Truncated_gzip_is_reported_as_unreadable()
    {
        var path = Path.Combine(_folder, "train-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 0, 0]);
        IdxFile.Write(Path.Combine(_folder, "train-labels-idx1-ubyte"), [1], [0]);

        var error = Assert.Throws<DataSetException>(() => FashionMnist.Load(_folder));
        Assert.Contains(path, error.Message);
    }
}
