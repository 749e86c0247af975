using System.Runtime.CompilerServices;

namespace Declarative.Runtime.Tests;

/// <summary>Points the decompressed-IDX cache of this test process at a temporary folder, so tests never write into the user's cache.</summary>
internal static class TestCache
{
    public static readonly string Folder = Path.Combine(Path.GetTempPath(), $"declarative-test-cache-{Environment.ProcessId}");

    [ModuleInitializer]
    internal static void Initialize()
    {
        Environment.SetEnvironmentVariable("DECLARATIVE_CACHE", Folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { if (Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true); }
            catch (IOException) { }
        };
    }
}
