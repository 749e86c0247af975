using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Claims;

/// <summary>A metric's series within each finished trial is linear in a transform of the step (e.g. ln t), with R² above a bound.</summary>
internal sealed class SeriesFitClaim<TPoint, TMetrics> : Claim
    where TMetrics : IMetricRow
{
    private readonly ClaimBuilder<TPoint, TMetrics> _builder;
    private readonly Func<TMetrics, double?> _metric;
    private readonly Func<long, double> _x;
    private readonly string _xText;
    private readonly double _minR2;
    private readonly int _minTrials;
    private readonly int _minSamples;
    private readonly string _metricText;

    public SeriesFitClaim(ClaimBuilder<TPoint, TMetrics> builder, Func<TMetrics, double?> metric, Func<long, double> x, string xText,
        double minR2, int minTrials, int minSamples, string metricText)
    {
        if (!(minR2 > 0 && minR2 <= 1)) throw new ArgumentOutOfRangeException(nameof(minR2), minR2, "minR2 is the coefficient of determination each trial's fit needs: a number in (0, 1], e.g. 0.9.");
        if (minTrials < 1) throw new ArgumentOutOfRangeException(nameof(minTrials), minTrials, "minTrials must be at least 1.");
        if (minSamples < 3) throw new ArgumentOutOfRangeException(nameof(minSamples), minSamples, "A line through fewer than 3 samples always fits: set minSamples to 3 or more.");
        (_builder, _metric, _x, _xText, _minR2, _minTrials, _minSamples) = (builder, metric, x, xText, minR2, minTrials, minSamples);
        _metricText = ClaimText.Describe(metricText);
    }

    public override string Statement =>
        $"{_metricText} is linear in {_xText} within every finished trial: least-squares R² ≥ {ClaimText.Number(_minR2)} " +
        $"(needs at least {_minTrials} trial(s) with {_minSamples} or more samples at step ≥ 1)";

    protected override ClaimResult Evaluate(ExperimentResults results)
    {
        var set = TrialSet<TPoint, TMetrics>.Load(results, _builder);
        var fits = new List<(TrialResult<TPoint, TMetrics> Trial, double Slope, double R2)>();
        var tooShort = 0;
        foreach (var trial in set.Finished)
        {
            var series = trial.Series(_metric).Where(s => s.Step >= 1 && double.IsFinite(s.Value)).ToArray();
            if (series.Length < _minSamples) { tooShort++; continue; }
            var fit = Statistics.LinearFit(series.Select(s => _x(s.Step)).ToArray(), series.Select(s => s.Value).ToArray());
            fits.Add((trial, fit.Slope, fit.R2));
        }
        var leftOut = ClaimText.LeftOut(set.Excluded, tooShort, $"with fewer than {_minSamples} samples");
        var numbers = new Dictionary<string, double> { ["n"] = fits.Count, ["excluded"] = set.ExcludedCount + tooShort };
        if (fits.Count < _minTrials)
            return Result(Verdict.Inconclusive, $"only {fits.Count} trial(s) to fit, {_minTrials} needed{leftOut}", numbers);

        var r2 = fits.Select(f => double.IsNaN(f.R2) ? 0 : f.R2).ToArray();
        var worst = fits[Array.IndexOf(r2, r2.Min())];
        var passing = r2.Count(v => v >= _minR2);
        var median = r2.Order().ElementAt(r2.Length / 2);
        if (r2.Length % 2 == 0) median = (median + r2.Order().ElementAt(r2.Length / 2 - 1)) / 2;
        numbers["minR2"] = r2.Min();
        numbers["medianR2"] = median;
        numbers["meanSlope"] = fits.Average(f => double.IsNaN(f.Slope) ? 0 : f.Slope);
        numbers["passing"] = passing;
        var evidence = $"R² ≥ {ClaimText.Number(_minR2)} in {passing} of {fits.Count} trials; lowest R² {ClaimText.Number(r2.Min())} ({worst.Trial.Description}), " +
                       $"median {ClaimText.Number(median)}; mean slope {ClaimText.Number(numbers["meanSlope"])} per unit of {_xText}{leftOut}";
        return Result(passing == fits.Count ? Verdict.Holds : Verdict.Fails, evidence, numbers);
    }

    private ClaimResult Result(Verdict verdict, string evidence, Dictionary<string, double> numbers) =>
        new(Name, Statement, verdict, evidence) { Numbers = numbers };
}
