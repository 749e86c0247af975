namespace Declarative.Runtime.Reports;

/// <summary>
/// Writes a report file whole or not at all: into a temporary file beside it, checked to be non-empty, then moved over
/// the old one. A full disk ends in an <see cref="IOException"/> naming the file, never in a truncated or empty file.
/// The temporary file's name is the writer's own (process id and a random part): two runners on one store render the same
/// reports when they finish, and with one shared temporary name one truncated the file the other was checking or moving.
/// </summary>
internal static class AtomicFile
{
    public static void Write(string path, Action<string> writeTo)
    {
        var extension = Path.GetExtension(path);
        var writer = $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..24];
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileNameWithoutExtension(path)}.{writer}.partial{extension}");
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
