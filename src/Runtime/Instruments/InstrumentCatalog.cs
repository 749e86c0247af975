namespace Declarative.Runtime.Instruments;

/// <summary>
/// Every instrument by its <c>Declarative.Instruments</c> name, with its constructor: for tests, benchmarks and
/// tools that pick instruments at run time (the generated loop constructs them directly).
/// </summary>
public static class InstrumentCatalog
{
    public static IReadOnlyDictionary<string, Func<InstrumentContext, InstrumentOptions, IInstrument>> Scalars { get; } =
        new Dictionary<string, Func<InstrumentContext, InstrumentOptions, IInstrument>>
        {
            [nameof(BatchLoss)] = (c, o) => new BatchLoss(c, o),
            [nameof(BatchAccuracy)] = (c, o) => new BatchAccuracy(c, o),
            [nameof(TrainLoss)] = (c, o) => new TrainLoss(c, o),
            [nameof(TrainAccuracy)] = (c, o) => new TrainAccuracy(c, o),
            [nameof(TestLoss)] = (c, o) => new TestLoss(c, o),
            [nameof(TestAccuracy)] = (c, o) => new TestAccuracy(c, o),
            [nameof(DistanceFromInit)] = (c, o) => new DistanceFromInit(c, o),
            [nameof(RelativeDistanceFromInit)] = (c, o) => new RelativeDistanceFromInit(c, o),
            [nameof(SubsetLoss)] = (c, o) => new SubsetLoss(c, o),
            [nameof(SubsetAccuracy)] = (c, o) => new SubsetAccuracy(c, o),
            [nameof(GeneralizationGap)] = (c, o) => new GeneralizationGap(c, o),
            [nameof(AccuracyGap)] = (c, o) => new AccuracyGap(c, o),
            [nameof(UpdateNorm)] = (c, o) => new UpdateNorm(c, o),
            [nameof(BatchGradientNorm)] = (c, o) => new BatchGradientNorm(c, o),
            [nameof(GradientNorm)] = (c, o) => new GradientNorm(c, o),
            [nameof(GradientVariance)] = (c, o) => new GradientVariance(c, o),
            [nameof(GradientNoiseScale)] = (c, o) => new GradientNoiseScale(c, o),
            [nameof(LearningRateOverBatchSize)] = (c, o) => new LearningRateOverBatchSize(c, o),
            [nameof(HessianTrace)] = (c, o) => new HessianTrace(c, o),
            [nameof(InterpolationMinimum)] = (c, o) => new InterpolationMinimum(c, o),
            [nameof(InterpolationHeight)] = (c, o) => new InterpolationHeight(c, o),
            [nameof(EpsilonSharpness)] = (c, o) => new EpsilonSharpness(c, o),
        };

    public static IReadOnlyDictionary<string, Func<InstrumentContext, InstrumentOptions, IVectorInstrument>> Vectors { get; } =
        new Dictionary<string, Func<InstrumentContext, InstrumentOptions, IVectorInstrument>>
        {
            [nameof(HessianTopEigenvalues)] = (c, o) => new HessianTopEigenvalues(c, o),
            [nameof(LossAlongTopEigenvector)] = (c, o) => new LossAlongTopEigenvector(c, o),
            [nameof(InterpolationProfile)] = (c, o) => new InterpolationProfile(c, o),
        };

    /// <summary>
    /// The α of each entry of a vector instrument that is a loss profile along a line (the interpolation between
    /// iterates, the line along the top eigenvector), for reports to plot it against α; null for other vectors.
    /// </summary>
    public static IReadOnlyList<double>? Alphas(string instrument, InstrumentOptions options) =>
        instrument is nameof(InterpolationProfile) or nameof(LossAlongTopEigenvector)
            ? Numerics.LineProfile.Grid(options.AlphaFrom, options.AlphaTo, options.AlphaPoints)
            : null;

    /// <summary>
    /// Instruments that cost (almost) nothing per step: read-backs of the step's own results, the gradient norm
    /// from <c>.grad</c>, one pass over the weights. Every other instrument runs extra forward/backward passes.
    /// </summary>
    public static IReadOnlyList<string> Cheap { get; } =
    [
        nameof(BatchLoss), nameof(BatchAccuracy), nameof(BatchGradientNorm), nameof(LearningRateOverBatchSize),
        nameof(DistanceFromInit), nameof(RelativeDistanceFromInit), nameof(UpdateNorm),
    ];

    /// <summary>Measures an instrument of either shape; a scalar comes back as a one-element array.</summary>
    public static double[] Measure(IDisposable instrument, Training.TrainingState state) => instrument switch
    {
        IInstrument scalar => [scalar.Measure(state)],
        IVectorInstrument vector => vector.Measure(state),
        _ => throw new ArgumentException($"{instrument.GetType().Name} is not an instrument.", nameof(instrument)),
    };

    public static IDisposable Create(string name, InstrumentContext context, InstrumentOptions options) =>
        Scalars.TryGetValue(name, out var scalar) ? scalar(context, options)
        : Vectors.TryGetValue(name, out var vector) ? vector(context, options)
        : throw new ArgumentException($"No instrument named '{name}'. Known: {string.Join(", ", Scalars.Keys.Concat(Vectors.Keys))}.", nameof(name));
}
