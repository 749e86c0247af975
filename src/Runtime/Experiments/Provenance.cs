using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// What produced a trial's results, stored with them: the commit of the code that ran (and whether its work tree had
/// uncommitted changes when it was built), the Declarative, TorchSharp and libtorch versions, the device, the threads,
/// and the trials it trained packed with (none when it trained alone).
/// </summary>
/// <remarks>
/// The commit and the dirty flag are written into the experiments assembly at build time
/// (<c>AssemblyMetadata("DeclarativeCommit")</c>, <c>AssemblyMetadata("DeclarativeDirty")</c>, by the build's
/// Declarative.Provenance.targets); they are null when the code was not built from a git work tree.
/// </remarks>
public sealed record Provenance(
    string? Commit,
    bool? Dirty,
    string Declarative,
    string TorchSharp,
    string LibTorch,
    string Device,
    int Threads,
    IReadOnlyList<string> PackedWith)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The code version in a word: the commit's first 12 digits, "-dirty" when built with uncommitted changes; "unknown" without git.</summary>
    [JsonIgnore]
    public string CodeVersion => Commit is null ? "unknown" : Commit[..Math.Min(12, Commit.Length)] + (Dirty == true ? "-dirty" : "");

    /// <summary>The provenance of a trial this process trains now, with the versions of what it loaded.</summary>
    public static Provenance Current(string device, int threads, IReadOnlyList<string> packedWith)
    {
        var entry = Assembly.GetEntryAssembly();
        string? Metadata(string key) => entry?.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } v ? v : null;
        var dirty = Metadata("DeclarativeDirty") is { } d ? d.Equals("true", StringComparison.OrdinalIgnoreCase) : (bool?)null;
        return new Provenance(Metadata("DeclarativeCommit"), Metadata("DeclarativeCommit") is null ? null : dirty, VersionOf(typeof(Provenance).Assembly),
            VersionOf(typeof(global::TorchSharp.torch).Assembly), global::TorchSharp.torch.__version__, device, threads, packedWith);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a stored provenance; null for none, or for text that is not one (never throws: a report must render).</summary>
    public static Provenance? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        try
        {
            return JsonSerializer.Deserialize<Provenance>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { Length: > 0 } v ? v
        : assembly.GetName().Version?.ToString() ?? "unknown";
}
