using System.Buffers.Binary;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Tests.Claims;
using SkiaSharp;

namespace Declarative.Runtime.Tests.Reports;

/// <summary>Writes the crafted grid's report to a temporary folder and checks every plot is a drawn PNG of the declared size.</summary>
public sealed class PlotFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "declarative-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public void Every_plot_is_a_png_of_the_declared_size_with_drawn_content()
    {
        var results = GridResults.Crafted();
        var report = ReportWriter.WriteExperiment(_folder, results, GridResults.CraftedClaims());

        var files = Directory.GetFiles(Path.Combine(_folder, "Grid"), "*.png").Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(ReportPlots.PlanEvidence(report.Claims).Concat(ReportPlots.Plan(results)).Select(p => p.FileName).Order(), files);
        Assert.Contains("claim-SmallBatchGeneralisesBetter.png", files);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(_folder, "Grid", file!));
            Assert.Equal(PngSignature, bytes[..8]);
            Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
            Assert.Equal(ReportPlots.Width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
            Assert.Equal(ReportPlots.Height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));

            using var bitmap = SKBitmap.Decode(bytes);
            Assert.NotNull(bitmap);
            var colours = new HashSet<uint>();
            var nonWhite = 0;
            for (var y = 0; y < bitmap.Height; y += 2)
            for (var x = 0; x < bitmap.Width; x += 2)
            {
                var c = bitmap.GetPixel(x, y);
                colours.Add((uint)c);
                if (c.Red < 240 || c.Green < 240 || c.Blue < 240) nonWhite++;
            }
            Assert.True(colours.Count >= 20, $"{file} has only {colours.Count} distinct colours: it looks blank.");
            Assert.True(nonWhite > 2000, $"{file} has only {nonWhite} sampled non-white pixels: nothing was drawn.");
        }
    }

    [Fact]
    public void Report_links_each_plot_relatively_and_the_files_exist()
    {
        var results = GridResults.Crafted();
        ReportWriter.WriteExperiment(_folder, results, GridResults.CraftedClaims());

        var md = File.ReadAllText(Path.Combine(_folder, "Grid.md"));
        var links = System.Text.RegularExpressions.Regex.Matches(md, @"!\[[^\]]*\]\(([^)]+)\)").Select(m => m.Groups[1].Value).ToArray();
        Assert.Equal(8 + GridResults.CraftedClaims().Count(c => c.Check(results).Figure is not null), links.Length);
        Assert.Contains("Grid/claim-AccuracyFallsWithBatch.png", links);
        foreach (var link in links)
        {
            Assert.False(Path.IsPathRooted(link));
            Assert.True(File.Exists(Path.Combine(_folder, link)), $"{link} is linked but missing.");
        }
        Assert.DoesNotContain("could not be drawn", md);
    }

    /// <summary>A grid whose vector metric is sampled once, at the end of each trial, as AtEnd instruments are.</summary>
    private static Runtime.Reports.ExperimentResults SampledAtTheEnd(double eigenvalue)
    {
        var grid = new GridResults();
        foreach (var batch in new[] { 32, 128 })
        for (var seed = 0; seed < 2; seed++)
            grid.Trial(0.05, batch, seed, step => (1.0 / step, null, step == 1000 ? 0.8 : null, step == 1000 ? [eigenvalue * batch, eigenvalue] : null));
        return grid.Build();
    }

    [Fact]
    public void Every_rendered_plot_draws_data_even_when_a_metric_is_sampled_once_per_trial()
    {
        var crafted = GridResults.Crafted();
        var evidence = ReportPlots.PlanEvidence(GridResults.CraftedClaims().Select(c => c.Check(crafted)).ToArray());
        Assert.NotEmpty(evidence);
        foreach (var plot in ReportPlots.Plan(SampledAtTheEnd(2)).Concat(ReportPlots.Plan(crafted)).Concat(evidence))
        {
            var drawn = plot.Save(Path.Combine(Directory.CreateDirectory(_folder).FullName, plot.FileName));
            Assert.True(drawn > 0, $"{plot.FileName} drew no data");
        }
    }

    [Fact]
    public void A_plot_with_no_finite_data_is_not_published_and_the_report_says_so()
    {
        var results = SampledAtTheEnd(double.NaN);

        ReportWriter.WriteExperiment(_folder, results, []);

        var md = File.ReadAllText(Path.Combine(_folder, "Grid.md"));
        Assert.Contains("Plots that could not be drawn", md);
        Assert.Contains("evolution-HessianTop.png could not be drawn", md);
        Assert.False(File.Exists(Path.Combine(_folder, "Grid", "evolution-HessianTop.png")));
    }

    [Fact]
    public void Heatmaps_are_split_by_the_remaining_axes_and_log_spaced_metrics_get_a_log_step_axis()
    {
        var crafted = GridResults.Crafted();
        var three = crafted with
        {
            Axes = [.. crafted.Axes, "Width"],
            Trials = crafted.Trials.Select((t, i) => t with { Parameters = [.. t.Parameters, new("Width", i % 2 == 0 ? "1" : "4")] }).ToArray(),
            Schema = new Runtime.Experiments.MetricSchema([.. crafted.Schema.Columns.Select(c => c.Name == "DistanceFromInit" ? c with { Cadence = "log-spaced, 4 per decade" } : c)]),
        };

        var plots = ReportPlots.Plan(three);

        Assert.Contains(plots, p => p.FileName == "heatmap-TestAccuracy-Width=1.png" && p.Caption.Contains("at Width=1"));
        Assert.Contains(plots, p => p.FileName == "heatmap-TestAccuracy-Width=4.png");
        Assert.Contains("on a log step axis", plots.Single(p => p.FileName == "curve-DistanceFromInit.png").Caption);
        Assert.DoesNotContain("log step axis", plots.Single(p => p.FileName == "curve-BatchLoss.png").Caption);
    }

    [Fact]
    public void A_loss_profile_is_plotted_against_alpha_and_its_minimum_position_is_tabled()
    {
        var crafted = GridResults.Crafted();
        var results = crafted with
        {
            Schema = new Runtime.Experiments.MetricSchema([.. crafted.Schema.Columns.Select(c => c.IsVector ? c with { Alphas = [-0.5, 0.5, 1.5] } : c)]),
        };

        var profile = ReportPlots.Plan(results).Single(p => p.FileName == "profile-HessianTop.png");
        Assert.Contains("against α", profile.Caption);
        Assert.True(profile.Save(Path.Combine(Directory.CreateDirectory(_folder).FullName, profile.FileName)) > 0);
        var md = MarkdownReport.Render(results);
        Assert.Contains("| α at the minimum of the final HessianTop |", md);
        // the crafted "eigenvalues" fall with the entry (3x, 2x, 1x), so each final profile's minimum is its last entry, α = 1.5
        Assert.Contains("| 1.5 ± 0 |", md);
        Assert.DoesNotContain("HessianTop[1] final", md);
    }

    [Fact]
    public void Text_is_drawn_with_an_available_font()
    {
        PlotFonts.EnsureAvailable();
        Assert.DoesNotContain("no font file found", PlotFonts.Family);
        using var typeface = SKTypeface.FromFamilyName(ScottPlot.Fonts.Default);
        Assert.True(typeface.GlyphCount > 0);
    }

    [Fact]
    public void Index_is_written_next_to_the_reports()
    {
        var report = ReportWriter.WriteExperiment(_folder, GridResults.Crafted(), GridResults.CraftedClaims());
        ReportWriter.WriteIndex(_folder, [report]);

        Assert.Contains("[Grid](Grid.md)", File.ReadAllText(Path.Combine(_folder, "index.md")));
    }
}
