namespace Declarative.Runtime.Reports;

/// <summary>
/// Writes a report file whole or not at all: into a temporary file beside it, checked to be non-empty, then moved over
/// the old one. A full disk ends in an <see cref="IOException"/> naming the file, never in a truncated or empty file.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var extension = Path.GetExtension(path);
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileNameWithoutExtension(path) + ".partial" + extension);
        try
        {
            writeTo(temporary);
            if (!File.Exists(temporary) || new FileInfo(temporary).Length == 0)
                throw new IOException($"Writing '{path}' produced an empty file: the disk may be full (No space left on device).");
            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); }
            catch (IOException) { }
            throw;
        }
    }
}
