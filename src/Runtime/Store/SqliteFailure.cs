using Microsoft.Data.Sqlite;

namespace Declarative.Runtime.Store;

/// <summary>What a failed SQLite call means for the user, by its primary result code, with the fix.</summary>
internal static class SqliteFailure
{
    /// <summary>
    /// Whether <paramref name="e"/> means the store itself cannot be used (full disk, damaged file, no permission) rather
    /// than that one trial failed: the sweep stops with <see cref="Describe"/>'s message instead of failing every trial.
    /// </summary>
    public static bool MeansStoreUnusable(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 13 or 11 or 26 or 8 or 3 or 23 or 14;

    /// <summary>The message for <paramref name="e"/>; <paramref name="path"/> names the store file when known.</summary>
    public static string Describe(SqliteException e, string? path)
    {
        var store = path is null ? "the store" : $"the store '{path}'";
        return (e.SqliteErrorCode & 0xFF) switch
        {
            13 => $"The disk holding {store} is full ({e.Message}). Free space, or move the store with --store, and run again: finished trials are kept and a rerun resumes.",
            11 or 26 => $"{Capital(store)} is damaged or not a store ({e.Message}). Move it aside (it was not deleted) and run again with a new --store, or restore a copy.",
            8 or 3 or 23 or 14 => $"{Capital(store)} or its folder cannot be written or opened ({e.Message}). Check their permissions (the store needs its folder writable for its journal), or choose another --store.",
            5 or 6 => $"{Capital(store)} stayed locked by another process ({e.Message}). Run again when it is free.",
            _ => $"{Capital(store)} failed ({e.Message}). Finished trials are kept; a rerun resumes.",
        };
    }

    private static string Capital(string text) => char.ToUpperInvariant(text[0]) + text[1..];
}
