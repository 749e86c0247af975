using System.Buffers.Binary;
using System.IO.Compression;

namespace Declarative.Runtime.Data;

/// <summary>
/// Reads the IDX format of MNIST-like data sets: a big-endian header (two zero bytes, a type code,
/// the number of dimensions, then each dimension as a 32-bit integer) followed by the values.
/// Files may be gzip-compressed (<c>.gz</c>) or plain. Only unsigned bytes (type 0x08) are read.
/// </summary>
public static class IdxFile
{
    public sealed record Content(int[] Shape, byte[] Data);

    /// <summary>Finds <paramref name="baseName"/> or <paramref name="baseName"/>.gz in a folder, or null.</summary>
    public static string? Locate(string folder, string baseName)
    {
        foreach (var candidate in new[] { baseName, baseName + ".gz" })
        {
            var path = Path.Combine(folder, candidate);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    /// <summary>
    /// Reads and checks an IDX file. A gzip-compressed file is decompressed once per machine: its plain bytes
    /// are kept in the <see cref="DecompressedCache"/> folder under a name derived from the source's full path,
    /// size and modification time, and later reads (every worker process of a sweep) read that copy instead of
    /// decompressing again. A cached copy that fails the format checks is ignored and rewritten; a cache folder
    /// that cannot be written is skipped.
    /// </summary>
    public static Content Read(string path, int expectedDimensions, string howToGet)
    {
        var compressed = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
        var cached = compressed ? CachedCopy(path) : null;
        if (cached is not null && File.Exists(cached))
        {
            try
            {
                return Parse(File.ReadAllBytes(cached), cached, expectedDimensions, howToGet);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DataSetException)
            {
                // A damaged or foreign cache file: decompress the source again and replace it.
            }
        }

        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using var stream = compressed ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new DataSetException($"Cannot read '{path}': {e.Message}. Expected an IDX file (optionally gzip-compressed). {howToGet}", e);
        }

        var content = Parse(bytes, path, expectedDimensions, howToGet);
        if (cached is not null) TryWrite(cached, bytes);
        return content;
    }

    /// <summary>
    /// Where decompressed IDX files are kept: <c>DECLARATIVE_CACHE</c>, else <c>$XDG_CACHE_HOME/declarative</c>,
    /// else <c>~/.cache/declarative</c>; null (no caching) when <c>DECLARATIVE_CACHE</c> is set to <c>off</c>.
    /// </summary>
    public static string? DecompressedCache
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("DECLARATIVE_CACHE");
            if (string.Equals(configured, "off", StringComparison.OrdinalIgnoreCase)) return null;
            if (!string.IsNullOrWhiteSpace(configured)) return configured;
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return !string.IsNullOrWhiteSpace(xdg) ? Path.Combine(xdg, "declarative") : string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "declarative");
        }
    }

    private static string? CachedCopy(string source)
    {
        if (DecompressedCache is not { } folder) return null;
        try
        {
            var info = new FileInfo(source);
            var identity = $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}";
            var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(identity)))[..16].ToLowerInvariant();
            return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(info.Name)}-{hash}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Writes the cache copy through a temporary file and an atomic rename, so a reader never sees half a file.</summary>
    private static void TryWrite(string cached, byte[] bytes)
    {
        var temporary = $"{cached}.{Environment.ProcessId}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, cached, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception) { }
        }
    }

    public static Content Parse(byte[] bytes, string path, int expectedDimensions, string howToGet)
    {
        string Corrupt(string why) =>
            $"'{path}' is not a valid IDX file ({why}). Expected a big-endian IDX header with unsigned-byte data and {expectedDimensions} dimension(s). {howToGet}";

        if (bytes.Length < 4 || bytes[0] != 0 || bytes[1] != 0)
            throw new DataSetException(Corrupt("bad magic number"));
        if (bytes[2] != 0x08)
            throw new DataSetException(Corrupt($"data type 0x{bytes[2]:x2}, expected 0x08 (unsigned byte)"));
        int dims = bytes[3];
        if (dims != expectedDimensions)
            throw new DataSetException(Corrupt($"{dims} dimension(s)"));
        if (bytes.Length < 4 + 4 * dims)
            throw new DataSetException(Corrupt("truncated header"));

        var shape = new int[dims];
        long count = 1;
        for (var i = 0; i < dims; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (shape[i] <= 0) throw new DataSetException(Corrupt($"dimension {i} is {shape[i]}"));
            count *= shape[i];
        }

        var offset = 4 + 4 * dims;
        if (bytes.Length - offset != count)
            throw new DataSetException(Corrupt($"{bytes.Length - offset} data bytes, header says {count}"));

        return new Content(shape, bytes[offset..]);
    }

    /// <summary>Writes an uncompressed IDX file of unsigned bytes (used by tests and tools).</summary>
    public static void Write(string path, int[] shape, byte[] data)
    {
        using var stream = File.Create(path);
        stream.Write([0, 0, 0x08, (byte)shape.Length]);
        Span<byte> dim = stackalloc byte[4];
        foreach (var d in shape)
        {
            BinaryPrimitives.WriteInt32BigEndian(dim, d);
            stream.Write(dim);
        }
        stream.Write(data);
    }
}
