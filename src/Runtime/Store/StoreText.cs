using System.Text.Json;

namespace Declarative.Runtime.Store;

/// <summary>
/// How both stores write the values SQL has no common type for: a trial's parameters as a JSON list
/// of [name, value] pairs, a vector metric as a JSON array with null for a non-finite entry.
/// </summary>
internal static class StoreText
{
    public static string Parameters(IEnumerable<KeyValuePair<string, string>> parameters) =>
        JsonSerializer.Serialize(parameters.Select(p => new[] { p.Key, p.Value }));

    public static KeyValuePair<string, string>[] ParseParameters(string json) =>
        JsonSerializer.Deserialize<string[][]>(json)!.Select(p => new KeyValuePair<string, string>(p[0], p[1])).ToArray();

    public static string Vector(IEnumerable<double> vector) =>
        JsonSerializer.Serialize(vector.Select(x => double.IsFinite(x) ? x : (double?)null));

    public static double[] ParseVector(string json) =>
        JsonSerializer.Deserialize<double?[]>(json)!.Select(x => x ?? double.NaN).ToArray();
}
