using SkiaSharp;

namespace Declarative.Runtime.Reports;

/// <summary>
/// Makes sure ScottPlot draws text on a headless machine. ScottPlot asks Skia for its default
/// family; where Skia's font manager finds no such family (no fontconfig, no fonts), labels would be
/// drawn with an empty typeface. A common sans-serif family is preferred when Skia finds one; else
/// ScottPlot's default if it has glyphs; else the first TrueType file under the system font folders
/// is registered with ScottPlot and made the default.
/// </summary>
public static class PlotFonts
{
    private static readonly Lazy<string> Chosen = new(Choose, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The family ScottPlot draws with after <see cref="EnsureAvailable"/>, or a note that none was found.</summary>
    public static string Family => Chosen.Value;

    public static void EnsureAvailable() => _ = Chosen.Value;

    private static string Choose()
    {
        // A sans-serif family reads best at plot sizes; ScottPlot's own pick on Linux can be a serif one.
        foreach (var family in new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "FreeSans" })
            if (HasGlyphs(family)) return Use(family);
        if (HasGlyphs(ScottPlot.Fonts.Default)) return ScottPlot.Fonts.Default;
        foreach (var folder in new[] { "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".fonts") })
        {
            if (!Directory.Exists(folder)) continue;
            var file = Directory.EnumerateFiles(folder, "*.ttf", SearchOption.AllDirectories)
                .OrderBy(f => Path.GetFileName(f).Contains("Sans", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(f => f, StringComparer.Ordinal).FirstOrDefault();
            if (file is null) continue;
            const string name = "Declarative Fallback";
            ScottPlot.Fonts.AddFontFile(name, file);
            ScottPlot.Fonts.Default = name;
            return name + " (" + Path.GetFileName(file) + ")";
        }
        return ScottPlot.Fonts.Default + " (no font file found: plot text may be missing)";
    }

    private static string Use(string family)
    {
        ScottPlot.Fonts.Default = family;
        return family;
    }

    private static bool HasGlyphs(string family)
    {
        using var typeface = SKTypeface.FromFamilyName(family);
        if (typeface is null || typeface.GlyphCount == 0) return false;
        return string.Equals(typeface.FamilyName, family, StringComparison.OrdinalIgnoreCase);
    }
}
