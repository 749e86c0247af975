using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// Content-derived trial identities: the same declaration always gives the same ids, and adding a
/// value to an axis adds only the new trials' ids.
/// </summary>
public static class TrialId
{
    public static string Compute(string experiment, IReadOnlyList<KeyValuePair<string, string>> parameters, int seed, ExperimentSettings settings)
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
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        return Convert.ToHexStringLower(hash, 0, 8);
    }

    /// <summary>Formats a parameter value the same way on every machine (round-trippable).</summary>
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
    public static string Format(bool value) => value ? "true" : "false";
    public static string Format(string value) => value;
    public static string Format<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToString();
}
