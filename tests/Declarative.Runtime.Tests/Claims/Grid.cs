using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;
using Declarative.Runtime.Store;

namespace Declarative.Runtime.Tests.Claims;

/// <summary>A sweep point shaped like a generated experiment record: two axes and a derived quantity.</summary>
public sealed record GridPoint(double LearningRate, int BatchSize)
{
    public double NoiseRatio => LearningRate / BatchSize;

    public static GridPoint From(IReadOnlyList<KeyValuePair<string, string>> parameters) =>
        new(ParameterValues.Double(parameters, "LearningRate"), ParameterValues.Int(parameters, "BatchSize"));
}

/// <summary>A metric row shaped like a generated <c>Metrics</c>: three scalar columns and one vector column.</summary>
public sealed record GridMetrics(long Step, int Epoch, double? BatchLoss, double? DistanceFromInit, double? TestAccuracy, double[]? HessianTop) : IMetricRow
{
    public double? GetValue(int column) => column switch { 0 => BatchLoss, 1 => DistanceFromInit, 2 => TestAccuracy, _ => null };

    public double[]? GetVector(int column) => column == 3 ? HessianTop : null;

    public static GridMetrics FromSample(MetricSample s) => new(s.Step, s.Epoch, s.GetValue(0), s.GetValue(1), s.GetValue(2), s.GetVector(3));

    public static readonly MetricSchema Schema = new(
    [
        new MetricColumn("BatchLoss", "every 100 steps"),
        new MetricColumn("DistanceFromInit", "every 100 steps"),
        new MetricColumn("TestAccuracy", "at each epoch end"),
        new MetricColumn("HessianTop", "every 200 steps", IsVector: true),
    ]);
}

/// <summary>Builds <see cref="ExperimentResults"/> from crafted trials: the claim checker and the reports read nothing else.</summary>
public sealed class GridResults
{
    /// <summary>The <c>Expect</c> the generator would give the record.</summary>
    public static ClaimBuilder<GridPoint, GridMetrics> Expect { get; } = new(GridMetrics.FromSample, GridPoint.From);

    private readonly List<TrialRecord> _trials = [];
    private readonly List<MetricSample> _rows = [];

    /// <summary>Adds a trial whose rows come from <paramref name="row"/>(step); a null value is a column not sampled at that step.</summary>
    public GridResults Trial(double lr, int batch, int seed, Func<long, (double? Loss, double? Distance, double? Accuracy, double[]? Hessian)>? row = null,
        TrialStatus status = TrialStatus.Done, long steps = 1000, string? error = null)
    {
        var id = $"t{_trials.Count + 1:00}";
        _trials.Add(new TrialRecord(id, "Grid", "smoke", seed,
            [new("LearningRate", TrialId.Format(lr)), new("BatchSize", TrialId.Format(batch))], status, 1, steps, steps / 100.0, null, error));
        if (row is null) return this;
        for (long step = 100; step <= steps; step += 100)
        {
            var (loss, distance, accuracy, hessian) = row(step);
            _rows.Add(new MetricSample(id, step, (int)((step - 1) / 500), [loss, distance, accuracy, null], [null, null, null, hessian]));
        }
        return this;
    }

    /// <summary>A trial whose only sampled value is a final TestAccuracy.</summary>
    public GridResults Final(double lr, int batch, int seed, double accuracy, TrialStatus status = TrialStatus.Done) =>
        Trial(lr, batch, seed, step => (null, null, step == 1000 ? accuracy : null, null), status);

    public ExperimentResults Build() =>
        new("Grid", "Crafted results of a grid of learning rate and batch size.", "[Experiment]\npublic partial record Grid(\n    [Values(0.01, 0.05, 0.2)] double LearningRate,\n    [Values(32, 128, 512)] int BatchSize);",
            Budget.Smoke, new ExperimentSettings(2, 2, 1000, 500), ["LearningRate", "BatchSize"], GridMetrics.Schema, _trials, _rows);

    /// <summary>
    /// The report fixture: a 3 × 3 grid, two seeds, steps 100…1000. Accuracy falls with batch size and
    /// rises with learning rate; the distance from init grows as ln t; the loss decays; the top three
    /// Hessian eigenvalues rise then fall. One trial diverged and one failed.
    /// </summary>
    public static ExperimentResults Crafted()
    {
        var grid = new GridResults();
        foreach (var lr in new[] { 0.01, 0.05, 0.2 })
        foreach (var batch in new[] { 32, 128, 512 })
        for (var seed = 0; seed < 2; seed++)
        {
            if (lr == 0.2 && batch == 32 && seed == 1) { grid.Trial(lr, batch, seed, null, TrialStatus.Diverged, 300, "loss became NaN at step 300"); continue; }
            if (lr == 0.01 && batch == 512 && seed == 1) { grid.Trial(lr, batch, seed, null, TrialStatus.Failed, 0, "out of memory"); continue; }
            var noise = seed == 0 ? 1.0 : -1.0;
            var scale = 1 + 10 * lr;
            grid.Trial(lr, batch, seed, step =>
            {
                var t = step / 1000.0;
                var loss = 2.3 * Math.Exp(-3 * scale * t) + 0.1 + 0.03 * noise * Math.Sin(step / 100.0);
                var distance = scale * (0.5 * Math.Log(step) + 0.02 * noise);
                double? accuracy = step % 500 == 0 ? 0.75 + 0.1 * lr - 0.0001 * batch + 0.05 * t + 0.004 * noise : null;
                var peak = 40 / (1 + 20 * lr) * Math.Sqrt(batch / 32.0);
                double[]? hessian = step % 200 == 0 ? [peak * t * Math.Exp(1 - 3 * t) * 3, peak * t * Math.Exp(1 - 3 * t) * 2, peak * t * Math.Exp(1 - 3 * t)] : null;
                return (loss, distance, accuracy, hessian);
            });
        }
        return grid.Build();
    }

    /// <summary>The claims a researcher would declare on <see cref="Crafted"/>, as in an experiment record.</summary>
    public static IReadOnlyList<Claim> CraftedClaims() =>
    [
        Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minRho: 0.5).Named("AccuracyFallsWithBatch", "Larger batches reach a lower test accuracy, at every learning rate."),
        Expect.Decreasing(r => r.Peak(m => m.BatchLoss), by: p => p.NoiseRatio).Named("PeakLossFallsWithNoise"),
        Expect.LinearInLogStep(m => m.DistanceFromInit, minR2: 0.9).Named("DistanceGrowsLogarithmically"),
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 32, than: p => p.BatchSize == 512).Named("SmallBatchGeneralisesBetter"),
        Expect.Invariant(r => r.Final(m => m.TestAccuracy), along: p => p.LearningRate).Named("AccuracySameAtEqualLearningRate"),
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.BatchSize == 512, than: p => p.BatchSize == 32).Named("LargeBatchGeneralisesBetter"),
        Expect.Decreasing(r => r.Peak(m => m.HessianTop?[0]), by: p => p.NoiseRatio).Named("SharpnessPeakFallsWithNoise"),
        Expect.Greater(r => r.Final(m => m.TestAccuracy), where: p => p.LearningRate == 0.2 && p.BatchSize == 32, than: p => p.LearningRate == 0.01 && p.BatchSize == 32)
            .Named("LargestStepBeatsSmallest"),
    ];
}
