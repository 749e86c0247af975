using System.Globalization;
using System.Text.RegularExpressions;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Claims;

/// <summary>Turns the C# a user wrote for a claim (captured with CallerArgumentExpression) into words, and formats its numbers.</summary>
internal static partial class ClaimText
{
    /// <summary><c>r => r.Final(m => m.TestAccuracy)</c> becomes "final TestAccuracy"; <c>p => p.LearningRate / p.BatchSize</c> becomes "LearningRate / BatchSize".</summary>
    public static string Describe(string expression)
    {
        var text = Regex.Replace(expression.Trim(), @"\s+", " ");
        var lambda = LambdaHead().Match(text);
        if (lambda.Success)
        {
            var parameter = lambda.Groups[1].Value;
            text = text[lambda.Length..];
            text = Regex.Replace(text, @"(?<![\w.])" + Regex.Escape(parameter) + @"\.", "");
        }
        text = Accessor().Replace(text, m => m.Groups[1].Value switch
        {
            "Final" => "final ",
            "Peak" => "peak ",
            "Lowest" => "lowest ",
            "StepOfPeak" => "step of the peak of ",
            "LastStep" => "last step of ",
            var other => other + " of ",
        } + m.Groups[3].Value);
        return text.Length == 0 ? expression : text;
    }

    /// <summary>4 significant digits, with a typographic minus so "ρ = −0.85" reads like the threshold it is compared with.</summary>
    public static string Number(double value) =>
        (value == 0 ? "0" : double.IsFinite(value) ? value.ToString("G4", CultureInfo.InvariantCulture) : double.IsNaN(value) ? "NaN" : value > 0 ? "∞" : "-∞").Replace('-', '−');

    public static string Percent(double fraction) => (100 * fraction).ToString("G3", CultureInfo.InvariantCulture) + "%";

    /// <summary>"; left out: 1 diverged, 1 failed, 2 without a value" (empty when nothing was left out).</summary>
    public static string LeftOut(IReadOnlyDictionary<TrialStatus, int> excluded, int withoutValue, string withoutValueWhat = "without a value")
    {
        var parts = excluded.Where(e => e.Value > 0).OrderBy(e => e.Key)
            .Select(e => $"{e.Value} {e.Key.ToString().ToLowerInvariant()}").ToList();
        if (withoutValue > 0) parts.Add($"{withoutValue} {withoutValueWhat}");
        return parts.Count == 0 ? "" : "; left out: " + string.Join(", ", parts);
    }

    [GeneratedRegex(@"^\(?\s*(\w+)\s*\)?\s*=>\s*")]
    private static partial Regex LambdaHead();

    [GeneratedRegex(@"\b(Final|Peak|Lowest|StepOfPeak|LastStep)\(\s*\(?\s*(\w+)\s*\)?\s*=>\s*\2\.([^()]+?)\s*\)")]
    private static partial Regex Accessor();
}
