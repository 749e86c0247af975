using System.Globalization;

namespace Declarative.Runtime.Experiments;

/// <summary>Reads a stored trial's parameters back into typed values (the inverse of <see cref="TrialId.Format(double)"/>).</summary>
public static class ParameterValues
{
    public static string Text(IReadOnlyList<KeyValuePair<string, string>> parameters, string name)
    {
        foreach (var (key, value) in parameters)
            if (key == name) return value;
        throw new KeyNotFoundException($"The trial has no parameter '{name}'.");
    }

    public static double Double(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) =>
        double.Parse(Text(parameters, name), NumberStyles.Float, CultureInfo.InvariantCulture);

    public static int Int(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) =>
        int.Parse(Text(parameters, name), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static long Long(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) =>
        long.Parse(Text(parameters, name), NumberStyles.Integer, CultureInfo.InvariantCulture);

    public static TEnum Enum<TEnum>(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) where TEnum : struct, System.Enum =>
        System.Enum.Parse<TEnum>(Text(parameters, name));

    public static bool Bool(IReadOnlyList<KeyValuePair<string, string>> parameters, string name) => Text(parameters, name) == "true";
}
