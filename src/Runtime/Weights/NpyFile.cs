using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Declarative.Runtime.Weights;

/// <summary>
/// NumPy's <c>.npy</c> format, version 1.0: the magic <c>\x93NUMPY</c>, version bytes 1 0, a
/// little-endian uint16 header length, an ASCII dict header (<c>descr</c>, <c>fortran_order</c>,
/// <c>shape</c>) padded with spaces to a multiple of 64 bytes and ended by a newline, then the data in
/// C order. Only little-endian <c>&lt;f4</c>, <c>&lt;f8</c> and <c>&lt;i8</c> are written or read.
/// </summary>
public static class NpyFile
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static void Write(Stream stream, string descr, IReadOnlyList<long> shape, ReadOnlySpan<byte> littleEndianData)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing .npy files needs a little-endian machine.");
        var dims = shape.Count switch
        {
            0 => "()",
            1 => $"({shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {dims}, }}";
        var total = Magic.Length + 2 + 2 + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        stream.Write(Magic);
        stream.WriteByte(1);
        stream.WriteByte(0);
        stream.WriteByte((byte)(header.Length & 0xff));
        stream.WriteByte((byte)(header.Length >> 8));
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(littleEndianData);
    }

    public static NpyArray Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
            throw new InvalidDataException($"'{path}' is not a .npy file.");
        int headerLength, offset;
        if (bytes[6] == 1) { headerLength = bytes[8] | bytes[9] << 8; offset = 10; }
        else { headerLength = BitConverter.ToInt32(bytes, 8); offset = 12; }
        var header = Encoding.ASCII.GetString(bytes, offset, headerLength);
        var descr = Field(header, "descr").Trim('\'', '"', ' ');
        if (Field(header, "fortran_order").Trim() != "False") throw new InvalidDataException($"'{path}' is in Fortran order; only C order is read.");
        var shapeText = Field(header, "shape").Trim().TrimStart('(').TrimEnd(')');
        var shape = shapeText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d, CultureInfo.InvariantCulture)).ToArray();
        var data = bytes.AsSpan(offset + headerLength);
        double[] values = descr switch
        {
            "<f4" => MemoryMarshal.Cast<byte, float>(data).ToArray().Select(x => (double)x).ToArray(),
            "<f8" => MemoryMarshal.Cast<byte, double>(data).ToArray(),
            "<i8" => MemoryMarshal.Cast<byte, long>(data).ToArray().Select(x => (double)x).ToArray(),
            _ => throw new InvalidDataException($"'{path}' has dtype '{descr}'; only <f4, <f8 and <i8 are read."),
        };
        var expected = shape.Aggregate(1L, (a, d) => a * d);
        if (values.Length != expected) throw new InvalidDataException($"'{path}' holds {values.Length} values, its shape says {expected}.");
        return new NpyArray(descr, shape, values);
    }

    private static string Field(string header, string name)
    {
        var key = header.IndexOf("'" + name + "'", StringComparison.Ordinal);
        if (key < 0) throw new InvalidDataException($"The .npy header has no '{name}': {header}");
        var start = header.IndexOf(':', key) + 1;
        var end = name == "shape" ? header.IndexOf(')', start) + 1 : header.IndexOf(',', start);
        return header[start..end];
    }
}
