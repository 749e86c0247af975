using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// Content-derived trial identities: the same declaration always gives the same ids, and adding a
/// value to an axis adds only the new trials' ids.
/// </summary>
public static class TrialId
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        // Members at their type's default (0, false, null) are left out, so adding a member that is off by default keeps every id.
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary>
    /// The id of a trial by its full content: the point, seed and budget settings, and the resolved spec (every value
    /// training reads, derived members and defaults included), so that a changed formula or default gives new ids exactly
    /// to the trials whose training changes. What is measured (the instruments) is not part of a trial's identity.
    /// </summary>
    /// <remarks>
    /// With a seed range the spec's settings enter the id as those of the fixed count at the range's minimum (how many seeds a
    /// point may get does not change how one seed trains): the first round of <c>Seeds = 2, MaxSeeds = 8</c> has the ids of
    /// <c>Seeds = 2</c>, so adding a range to an experiment keeps its finished trials, and later seeds differ by their seed.
    /// </remarks>
    public static string Compute(string experiment, IReadOnlyList<KeyValuePair<string, string>> parameters, int seed, ExperimentSettings settings,
        Specs.TrialSpec spec)
    {
        var identity = spec.Settings.AdaptiveSeeds ? spec with { Settings = spec.Settings with { Seeds = spec.Settings.MinSeeds, MinSeeds = 0 } } : spec;
        return Hash(Content(experiment, parameters, seed, settings).Append("spec=").Append(JsonSerializer.Serialize(identity, Canonical)).Append('\n'));
    }

    /// <summary>
    /// The id by the point, seed and settings alone: ids of stores written before ids covered the resolved spec
    /// (<see cref="Compute(string, IReadOnlyList{KeyValuePair{string, string}}, int, ExperimentSettings, Specs.TrialSpec)"/>), and of
    /// trials that have no spec (hand-written definitions).
    /// </summary>
    public static string Compute(string experiment, IReadOnlyList<KeyValuePair<string, string>> parameters, int seed, ExperimentSettings settings) =>
        Hash(Content(experiment, parameters, seed, settings));

    private static string Hash(StringBuilder text)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    private static StringBuilder Content(string experiment, IReadOnlyList<KeyValuePair<string, string>> parameters, int seed, ExperimentSettings settings)
    {
        var text = new StringBuilder();
        text.Append("experiment=").Append(experiment).Append('\n');
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
            text.Append(name).Append('=').Append(value).Append('\n');
        text.Append("seed=").Append(seed.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("epochs=").Append(settings.Epochs.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("train=").Append(settings.TrainSubset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("test=").Append(settings.TestSubset.ToString(CultureInfo.InvariantCulture)).Append('\n');
        // Appended only when used, so that ids of epoch-based trials stay what they were.
        if (settings.Steps > 0) text.Append("steps=").Append(settings.Steps.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (settings.Updates > 0) text.Append("updates=").Append(settings.Updates.ToString(CultureInfo.InvariantCulture)).Append('\n');
        if (settings.Target is { } target)
            text.Append("target=").Append(target.Metric).Append(':').Append(Format(target.Value)).Append(':').Append(Format(target.Examples)).Append('\n');
        return text;
    }

    /// <summary>Formats a parameter value the same way on every machine (round-trippable).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(bool value) => value ? "true" : "false";
    public static string Format(string value) => value;
    public static string Format<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString();
}
