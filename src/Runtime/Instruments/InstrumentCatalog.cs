namespace Declarative.Runtime.Instruments;

/// <summary>
/// Every instrument by its <c>Declarative.Instruments</c> name: the one place an instrument is constructed (the generated
/// collectors call <see cref="Scalar"/> and <see cref="Vector"/>, tests, benchmarks and tools too), each with exactly the
/// arguments its constructor reads.
/// </summary>
public static class InstrumentCatalog
{
    public static IReadOnlyDictionary<string, Func<InstrumentContext, InstrumentOptions, IInstrument>> Scalars { get; } =
        new Dictionary<string, Func<InstrumentContext, InstrumentOptions, IInstrument>>
        {
            [nameof(BatchLoss)] = (_, _) => new BatchLoss(),
            [nameof(BatchAccuracy)] = (_, _) => new BatchAccuracy(),
            [nameof(TrainLoss)] = (c, _) => new TrainLoss(c),
            [nameof(TrainAccuracy)] = (c, _) => new TrainAccuracy(c),
            [nameof(TestLoss)] = (c, _) => new TestLoss(c),
            [nameof(TestAccuracy)] = (c, _) => new TestAccuracy(c),
            [nameof(DistanceFromInit)] = (c, _) => new DistanceFromInit(c),
            [nameof(RelativeDistanceFromInit)] = (c, _) => new RelativeDistanceFromInit(c),
            [nameof(SubsetLoss)] = (c, o) => new SubsetLoss(c, o),
            [nameof(SubsetAccuracy)] = (c, o) => new SubsetAccuracy(c, o),
            [nameof(GeneralizationGap)] = (c, _) => new GeneralizationGap(c),
            [nameof(AccuracyGap)] = (c, _) => new AccuracyGap(c),
            [nameof(UpdateNorm)] = (c, o) => new UpdateNorm(c, o),
            [nameof(BatchGradientNorm)] = (c, o) => new BatchGradientNorm(c, o),
            [nameof(GradientNorm)] = (c, o) => new GradientNorm(c, o),
            [nameof(GradientVariance)] = (c, o) => new GradientVariance(c, o),
            [nameof(GradientNoiseScale)] = (c, o) => new GradientNoiseScale(c, o),
            [nameof(LearningRateOverBatchSize)] = (_, _) => new LearningRateOverBatchSize(),
            [nameof(HessianTrace)] = (c, o) => new HessianTrace(c, o),
            [nameof(InterpolationMinimum)] = (c, o) => new InterpolationMinimum(c, o),
            [nameof(InterpolationHeight)] = (c, o) => new InterpolationHeight(c, o),
            [nameof(EpsilonSharpness)] = (c, o) => new EpsilonSharpness(c, o),
            [nameof(EpsilonSharpnessError)] = (c, o) => new EpsilonSharpnessError(c, o),
            [nameof(EpsilonSharpnessSteps)] = (c, o) => new EpsilonSharpnessSteps(c, o),
            [nameof(HessianLanczosProducts)] = (c, o) => new HessianLanczosProducts(c, o),
            [nameof(FlippedLabelAccuracy)] = (c, _) => new FlippedLabelAccuracy(c),
            [nameof(FlippedLabelLoss)] = (c, _) => new FlippedLabelLoss(c),
        };

    public static IReadOnlyDictionary<string, Func<InstrumentContext, InstrumentOptions, IVectorInstrument>> Vectors { get; } =
        new Dictionary<string, Func<InstrumentContext, InstrumentOptions, IVectorInstrument>>
        {
            [nameof(HessianTopEigenvalues)] = (c, o) => new HessianTopEigenvalues(c, o),
            [nameof(LossAlongTopEigenvector)] = (c, o) => new LossAlongTopEigenvector(c, o),
            [nameof(InterpolationProfile)] = (c, o) => new InterpolationProfile(c, o),
        };

    /// <summary>The scalar instrument named <paramref name="name"/>, for one trial's context and one [Track]'s options.</summary>
    public static IInstrument Scalar(string name, InstrumentContext context, InstrumentOptions options) =>
        Scalars.TryGetValue(name, out var create) ? create(context, options) : throw Unknown(name, "scalar");

    /// <summary>The vector instrument named <paramref name="name"/>, for one trial's context and one [Track]'s options.</summary>
    public static IVectorInstrument Vector(string name, InstrumentContext context, InstrumentOptions options) =>
        Vectors.TryGetValue(name, out var create) ? create(context, options) : throw Unknown(name, "vector");

    /// <summary>An instrument of either shape by name.</summary>
    public static IDisposable Create(string name, InstrumentContext context, InstrumentOptions options) =>
        Scalars.ContainsKey(name) ? Scalar(name, context, options) : Vector(name, context, options);

    private static ArgumentException Unknown(string name, string shape) =>
        new($"No {shape} instrument named '{name}'. Scalars: {string.Join(", ", Scalars.Keys)}; vectors: {string.Join(", ", Vectors.Keys)}.", nameof(name));

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
}
