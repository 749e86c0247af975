using System.IO.Compression;
using Declarative.Runtime.Data;

namespace Declarative.Runtime.Tests.Data;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DecompressedCacheCollection
{
    public const string Name = "Decompressed IDX cache (changes DECLARATIVE_CACHE)";
}

/// <summary>A gzip-compressed IDX file is decompressed once: later reads use the plain copy in the cache, which is checked like the source.</summary>
[Collection(DecompressedCacheCollection.Name)]
public sealed class DecompressedCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-idx-cache-").FullName;
    private readonly string? _previous = Environment.GetEnvironmentVariable("DECLARATIVE_CACHE");

    public DecompressedCacheTests() => Environment.SetEnvironmentVariable("DECLARATIVE_CACHE", Path.Combine(_folder, "cache"));

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("DECLARATIVE_CACHE", _previous);
        Directory.Delete(_folder, recursive: true);
    }

    private static readonly byte[] Data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 7)).ToArray();

    private string Zipped(string name = "x-idx3-ubyte")
    {
        var plain = Path.Combine(_folder, name);
        IdxFile.Write(plain, [2, 3, 4], Data);
        using (var source = File.OpenRead(plain))
        using (var target = new GZipStream(File.Create(plain + ".gz"), CompressionLevel.Fastest))
            source.CopyTo(target);
        File.Delete(plain);
        return plain + ".gz";
    }

    private string[] CacheFiles() => Directory.Exists(Path.Combine(_folder, "cache")) ? Directory.GetFiles(Path.Combine(_folder, "cache")) : [];

    [Fact]
    public void The_second_read_uses_the_plain_copy()
    {
        var zipped = Zipped();
        Assert.Equal(Data, IdxFile.Read(zipped, 3, "how").Data);
        var cached = Assert.Single(CacheFiles());
        Assert.StartsWith("x-idx3-ubyte-", Path.GetFileName(cached));

        // Prove the copy is what is read: change it (still a valid IDX file) and read the source again.
        IdxFile.Write(cached, [2, 3, 4], Data.Select(b => (byte)(b + 1)).ToArray());
        Assert.Equal(Data.Select(b => (byte)(b + 1)), IdxFile.Read(zipped, 3, "how").Data);
    }

    [Fact]
    public void A_damaged_copy_is_ignored_and_rewritten()
    {
        var zipped = Zipped();
        IdxFile.Read(zipped, 3, "how");
        var cached = Assert.Single(CacheFiles());
        File.WriteAllBytes(cached, [0, 0, 8, 3, 0]); // truncated

        Assert.Equal(Data, IdxFile.Read(zipped, 3, "how").Data);
        Assert.Equal(Data, IdxFile.Read(cached, 3, "how").Data);
    }

    [Fact]
    public void A_changed_source_gets_a_new_copy()
    {
        var zipped = Zipped();
        IdxFile.Read(zipped, 3, "how");
        File.SetLastWriteTimeUtc(zipped, DateTime.UtcNow.AddMinutes(5));
        IdxFile.Read(zipped, 3, "how");
        Assert.Equal(2, CacheFiles().Length);
    }

    [Fact]
    public void Off_keeps_no_copy_and_an_unwritable_folder_is_skipped()
    {
        var zipped = Zipped();
        Environment.SetEnvironmentVariable("DECLARATIVE_CACHE", "off");
        Assert.Equal(Data, IdxFile.Read(zipped, 3, "how").Data);
        Assert.Empty(CacheFiles());

        var blocker = Path.Combine(_folder, "a-file");
        File.WriteAllText(blocker, "");
        Environment.SetEnvironmentVariable("DECLARATIVE_CACHE", Path.Combine(blocker, "cache")); // a folder under a file cannot be created
        Assert.Equal(Data, IdxFile.Read(zipped, 3, "how").Data);
    }
}
