using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Tests.Reports;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("declarative-atomic-").FullName;

    [Fact]
    public void Two_writers_of_one_report_at_once_each_write_it_whole_and_leave_no_partial_file()
    {
        // Two runners on one store render the same reports when they finish. With one temporary name shared by every writer,
        // one truncated the temporary file the other was checking or moving ("produced an empty file", or a missing file).
        var path = Path.Combine(_folder, "Steady.md");
        var contents = new[] { new string('a', 20_000), new string('b', 30_000) };
        var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using var together = new Barrier(2);
        var writers = Enumerable.Range(0, 2).Select(writer => new Thread(() =>
        {
            for (var i = 0; i < 40; i++)
            {
                together.SignalAndWait(); // both start each write at once
                try { AtomicFile.Write(path, file => SlowWrite(file, contents[writer])); }
                catch (Exception e) { failures.Add(e); }
            }
        })).ToArray();
        foreach (var t in writers) t.Start();
        foreach (var t in writers) t.Join();
        Assert.Empty(failures);
        Assert.Contains(File.ReadAllText(path), contents);
        Assert.Equal(["Steady.md"], Directory.EnumerateFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary>Writes in ten pieces with pauses, sharing the file as another process would (the writers overlap).</summary>
    private static void SlowWrite(string file, string text)
    {
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        for (var piece = 0; piece < 10; piece++)
        {
            stream.Write(bytes, piece * bytes.Length / 10, (piece + 1) * bytes.Length / 10 - piece * bytes.Length / 10);
            stream.Flush();
            Thread.Sleep(1);
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
