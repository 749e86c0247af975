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

    public static Content Read(string path, int expectedDimensions, string howToGet)
    {
        byte[] bytes;
        try
        {
            using var file = File.OpenRead(path);
            using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new GZipStream(file, CompressionMode.Decompress)
                : (Stream)file;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            bytes = memory.ToArray();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new DataSetException($"Cannot read '{path}': {e.Message}. Expected an IDX file (optionally gzip-compressed). {howToGet}", e);
        }

        return Parse(bytes, path, expectedDimensions, howToGet);
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
