using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// The instruments on multinomial logistic regression in float64 (an Mlp without hidden layers), against the
/// closed forms of <see cref="SoftmaxRegression"/>, driven by the real training loop.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class InstrumentTests
{
    private const int Features = 4, Classes = 3, Train = 60, Test = 30;

    private sealed class Setup : IDisposable
    {
        public Setup(int batchSize, double lr = 0.5, int epochs = 4)
        {
            Data = SoftmaxRegression.Data(Train, Test, Features, Classes, seed: 42);
            manual_seed(3); // the initial weights: fixed, so no test depends on what ran before it
            Model = Mlp.Create(Features, [], Classes, CPU, ScalarType.Float64);
            Optimizer = optim.SGD(Model.parameters(), lr);
            Loop = new ClassificationLoop(Model, Optimizer, Data, batchSize, epochs, seed: 1);
            Context = new InstrumentContext(Model, Data);
            Context.Connect(Loop);
        }

        public ClassificationData Data { get; }
        public Mlp Model { get; }
        public optim.Optimizer Optimizer { get; }
        public ClassificationLoop Loop { get; }
        public InstrumentContext Context { get; }
        public TrainingState State => Loop.State;
        public IReadOnlyList<Tensor> Parameters => Context.Parameters;
        public double[] Theta => SoftmaxRegression.Theta(Parameters);

        public SoftmaxRegression Subset(int examples)
        {
            var (x, y) = Context.FixedSubset(examples);
            return new SoftmaxRegression(x, y, Classes);
        }

        public void Steps(int n)
        {
            for (var i = 0; i < n; i++) Assert.True(Loop.Next());
        }

        public void Dispose()
        {
            Context.Dispose();
            Loop.Dispose();
            Optimizer.Dispose();
            Model.Dispose();
            Data.Dispose();
        }
    }

    private static InstrumentOptions Options(int examples = 40) => new()
    {
        Cadence = Cadence.Every(1), Examples = examples, TopK = 3, Samples = 5, LanczosTolerance = 1e-13,
        AlphaFrom = -0.5, AlphaTo = 1.5, AlphaPoints = 9, Epsilon = 1e-2, AscentSteps = 3, Seed = 77,
    };

    private static double[] Eigenvalues(double[,] h)
    {
        using var scope = NewDisposeScope();
        var n = h.GetLength(0);
        var flat = new double[n * n];
        Buffer.BlockCopy(h, 0, flat, 0, flat.Length * sizeof(double));
        return linalg.eigvalsh(tensor(flat, [n, n], dtype: ScalarType.Float64)).data<double>().ToArray().Reverse().ToArray();
    }

    [Fact]
    public void Gradient_norm_and_subset_loss_are_the_closed_form_full_batch_values()
    {
        using var s = new Setup(batchSize: 12);
        s.Steps(3);
        var options = Options();
        using var gradientNorm = new GradientNorm(s.Context, options);
        var subsetLoss = new SubsetLoss(s.Context, options);
        var subsetAccuracy = new SubsetAccuracy(s.Context, options);
        var closed = s.Subset(40);
        Assert.Equal(40, closed.N);

        Approx.Relative(SoftmaxRegression.Norm(closed.Gradient(s.Theta)), gradientNorm.Measure(s.State));
        Approx.Relative(closed.Loss(s.Theta), subsetLoss.Measure(s.State));
        Assert.InRange(subsetAccuracy.Measure(s.State), 0, 1);
    }

    [Fact]
    public void Hessian_top_eigenvalues_are_those_of_the_closed_form_Hessian()
    {
        using var s = new Setup(batchSize: 12);
        s.Steps(2);
        using var top = new HessianTopEigenvalues(s.Context, Options());
        var expected = Eigenvalues(s.Subset(40).Hessian(s.Theta)).Take(3).ToArray();

        Approx.Relative(expected, top.Measure(s.State));
        Assert.Equal(["λ1", "λ2", "λ3"], top.Labels);
    }

    [Fact]
    public void Hessian_top_eigenvalue_with_the_default_tolerance_is_within_it()
    {
        using var s = new Setup(batchSize: 12);
        s.Steps(2);
        using var top = new HessianTopEigenvalues(s.Context, Options() with { LanczosTolerance = Runtime.Instruments.Numerics.Lanczos.DefaultTolerance, TopK = 1 });
        var expected = Eigenvalues(s.Subset(40).Hessian(s.Theta))[0];
        Approx.Relative(expected, top.Measure(s.State)[0], Runtime.Instruments.Numerics.Lanczos.DefaultTolerance);
    }

    [Fact]
    public void Hessian_trace_is_Hutchinson_with_its_own_probes_on_the_closed_form_Hessian()
    {
        using var s = new Setup(batchSize: 12);
        s.Steps(2);
        var options = Options();
        using var trace = new HessianTrace(s.Context, options);
        var h = s.Subset(40).Hessian(s.Theta);
        var n = h.GetLength(0);
        using var replay = new Generator((ulong)options.Seed + 1);
        var expected = Enumerable.Range(0, options.Samples).Select(_ =>
        {
            using var v = Runtime.Instruments.Numerics.Hutchinson.Rademacher(n, replay);
            var vv = v.data<double>().ToArray();
            return vv.Zip(SoftmaxRegression.Multiply(h, vv)).Sum(p => p.First * p.Second);
        }).Average();

        Approx.Relative(expected, trace.Measure(s.State));
    }

    [Fact]
    public void Loss_along_the_top_eigenvector_is_the_closed_form_loss_on_that_line()
    {
        using var s = new Setup(batchSize: 12);
        s.Steps(2);
        var options = Options() with { AlphaFrom = -2, AlphaTo = 2, AlphaPoints = 5 };
        using var top = new HessianTopEigenvalues(s.Context, options);
        using var line = new LossAlongTopEigenvector(s.Context, options);
        var closed = s.Subset(40);
        var theta = s.Theta;
        var h = closed.Hessian(theta);
        using var scope = NewDisposeScope();
        var n = h.GetLength(0);
        var flat = new double[n * n];
        Buffer.BlockCopy(h, 0, flat, 0, flat.Length * sizeof(double));
        var (_, vectors) = linalg.eigh(tensor(flat, [n, n], dtype: ScalarType.Float64));
        var v = vectors[.., n - 1].contiguous().data<double>().ToArray();
        if (v[Array.IndexOf(v, v.MaxBy(Math.Abs))] < 0) v = v.Select(x => -x).ToArray();

        top.Measure(s.State);
        var profile = line.Measure(s.State);

        var expected = new[] { -2.0, -1, 0, 1, 2 }.Select(a => closed.Loss(theta.Zip(v, (t, d) => t + a * d).ToArray())).ToArray();
        Approx.Relative(expected, profile);
        Assert.Equal(["-2", "-1", "0", "1", "2"], line.Labels);
        Assert.Equal(theta, s.Theta);
    }

    [Fact]
    public void Batch_gradient_norm_and_update_norm_of_full_batch_SGD_are_the_closed_form_gradient_step()
    {
        const double lr = 0.5;
        using var s = new Setup(batchSize: Train, lr: lr);
        var options = Options() with { Cadence = Cadence.Every(2) };
        using var batchNorm = new BatchGradientNorm(s.Context, options);
        using var update = new UpdateNorm(s.Context, options);
        var closed = new SoftmaxRegression(s.Data.TrainInputs, s.Data.TrainLabels, Classes);

        s.Steps(1);
        Assert.True(double.IsNaN(batchNorm.Measure(s.State)), "not due at step 1: nothing recorded");
        Assert.True(double.IsNaN(update.Measure(s.State)), "not due at step 1: nothing recorded");
        var before = s.Theta; // θ_1, from which step 2 is taken
        s.Steps(1);
        var gradient = SoftmaxRegression.Norm(closed.Gradient(before));
        Approx.Relative(gradient, batchNorm.Measure(s.State));
        Approx.Relative(lr * gradient, update.Measure(s.State));
        Approx.Relative(SoftmaxRegression.Norm(s.Theta.Zip(before, (a, b) => a - b).ToArray()), update.Measure(s.State), 1e-12);
    }

    [Fact]
    public void Interpolation_between_iterates_is_the_closed_form_loss_on_the_segment()
    {
        using var s = new Setup(batchSize: 12, lr: 2.0);
        var options = Options(examples: 0) with { AlphaPoints = 9 };
        using var profile = new InterpolationProfile(s.Context, options);
        using var minimum = new InterpolationMinimum(s.Context, options);
        using var height = new InterpolationHeight(s.Context, options);
        double[]? before = null;
        s.Loop.BeforeUpdate += _ => before = s.Theta;
        s.Steps(4);
        var after = s.Theta;
        var closed = new SoftmaxRegression(s.Data.TrainInputs, s.Data.TrainLabels, Classes);
        double At(double alpha) => closed.Loss(before!.Zip(after, (a, b) => a + alpha * (b - a)).ToArray());
        var alphas = Enumerable.Range(0, 9).Select(i => -0.5 + 0.25 * i).ToArray();

        var losses = profile.Measure(s.State);
        var alphaStar = minimum.Measure(s.State);
        var h = height.Measure(s.State);

        Approx.Relative(alphas.Select(At).ToArray(), losses);
        var best = Array.IndexOf(losses, losses.Min());
        Assert.InRange(alphaStar, alphas[Math.Max(0, best - 1)], alphas[Math.Min(8, best + 1)]);
        Approx.Relative(At(0) - At(alphaStar), h);
        Assert.True(At(alphaStar) <= losses.Min());
        Assert.Equal(after, s.Theta);
        Assert.Equal(alphas.Select(a => a.ToString(System.Globalization.CultureInfo.InvariantCulture)), profile.Labels);
    }

    [Fact]
    public void Epsilon_sharpness_reaches_the_largest_vertex_of_the_convex_closed_form_loss_and_shares_one_maximisation()
    {
        // Cross-entropy of softmax regression is convex in θ, so its maximum over the box is at one of the 2^15 vertices. Ascent
        // ends at a local maximum, not always the largest (from some initial weights it stops 4e-4 below it): from these weights
        // it is the largest, and from any it can never exceed it.
        using var s = new Setup(batchSize: 12);
        s.Steps(3);
        var options = Options() with { AscentTolerance = 1e-6, AscentSteps = 200 };
        using var sharpness = new EpsilonSharpness(s.Context, options);
        using var error = new EpsilonSharpnessError(s.Context, options);
        using var steps = new EpsilonSharpnessSteps(s.Context, options);
        var closed = s.Subset(40);
        var x = s.Theta;
        var bound = x.Select(v => options.Epsilon * (Math.Abs(v) + 1)).ToArray();
        var f0 = closed.Loss(x);
        double[] Vertex(int v) => x.Select((xi, i) => xi + ((v >> i & 1) == 1 ? bound[i] : -bound[i])).ToArray();
        var losses = Enumerable.Range(0, 1 << x.Length).Select(v => closed.Loss(Vertex(v))).ToArray();
        var vertex = Array.IndexOf(losses, losses.Max());
        var best = losses[vertex];
        var worst = Vertex(vertex);
        var increases = Enumerable.Range(0, 40).Select(n => closed.Loss(worst, [n]) - closed.Loss(x, [n])).ToArray();
        var mean = increases.Average();
        var sd = Math.Sqrt(increases.Sum(d => (d - mean) * (d - mean)) / (increases.Length - 1));

        var measured = sharpness.Measure(s.State);
        Assert.True(measured <= 100 * (best - f0) / (1 + f0) * (1 + 1e-9), $"ε-sharpness {measured} exceeds its largest possible value");
        Approx.Relative(100 * (best - f0) / (1 + f0), measured, 1e-6);
        Approx.Relative(100 * sd / Math.Sqrt(40) / (1 + f0), error.Measure(s.State), 1e-6);
        var taken = steps.Measure(s.State);
        Assert.InRange(taken, 1, options.AscentSteps);
        Assert.Equal(x, s.Theta);
    }

    [Fact]
    public void The_noise_batches_are_distinct_indices_drawn_uniformly_and_reproducibly()
    {
        ulong state = 7, again = 7;
        var counts = new int[20];
        const int draws = 20_000;
        for (var d = 0; d < draws; d++)
        {
            var batch = GradientNoiseSampler.Draw(ref state, 20, 5);
            Assert.Equal(batch, GradientNoiseSampler.Draw(ref again, 20, 5));
            Assert.Equal(5, batch.Distinct().Count());
            Assert.All(batch, i => Assert.InRange(i, 0, 19));
            foreach (var i in batch) counts[i]++;
        }
        // Each index is in a batch with probability 5/20: its count is Binomial(20000, 0.25), sd 61; 5 sd is far outside chance.
        Assert.All(counts, c => Assert.InRange(c, draws / 4 - 5 * 61, draws / 4 + 5 * 61));
        // Pairs too (Floyd's algorithm gives every 5-subset the same probability, so every pair (5·4)/(20·19) of the time; sd 32).
        ulong pairs = 11;
        var together = 0;
        for (var d = 0; d < draws; d++)
        {
            var batch = GradientNoiseSampler.Draw(ref pairs, 20, 5);
            if (batch.Contains(0) && batch.Contains(19)) together++;
        }
        Assert.InRange(together, draws * 20 / 380 - 5 * 32, draws * 20 / 380 + 5 * 32);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (long)i).Order(), GradientNoiseSampler.Draw(ref state, 20, 20).Order());
    }

    [Fact]
    public void Gradient_variance_and_noise_scale_use_their_own_batches_and_match_the_closed_form()
    {
        const int batch = 16;
        using var s = new Setup(batchSize: batch);
        s.Steps(2);
        var options = Options();
        var variance = new GradientVariance(s.Context, options);
        var noise = new GradientNoiseScale(s.Context, options);
        var closed = new SoftmaxRegression(s.Data.TrainInputs, s.Data.TrainLabels, Classes);
        var replay = (ulong)options.Seed;
        var grads = Enumerable.Range(0, options.Samples)
            .Select(_ => closed.Gradient(GradientNoiseSampler.Draw(ref replay, Train, batch).Select(i => (int)i).ToArray(), s.Theta)).ToArray();
        var d = grads[0].Length;
        var mean = Enumerable.Range(0, d).Select(j => grads.Average(g => g[j])).ToArray();
        var expectedVariance = grads.Sum(g => g.Select((v, j) => (v - mean[j]) * (v - mean[j])).Sum()) / (options.Samples - 1);
        var normSquared = mean.Sum(v => v * v) - expectedVariance / options.Samples;

        Approx.Relative(expectedVariance, variance.Measure(s.State));
        Approx.Relative(batch * expectedVariance / normSquared, noise.Measure(s.State));
    }

    [Fact]
    public void Gaps_and_lr_over_batch_follow_from_the_closed_form_losses()
    {
        using var s = new Setup(batchSize: 12, lr: 0.3);
        s.Steps(5);
        var options = Options();
        var train = new SoftmaxRegression(s.Data.TrainInputs, s.Data.TrainLabels, Classes);
        var test = new SoftmaxRegression(s.Data.TestInputs, s.Data.TestLabels, Classes);

        Approx.Relative(test.Loss(s.Theta) - train.Loss(s.Theta), new GeneralizationGap(s.Context).Measure(s.State));
        Approx.Relative(new TrainAccuracy(s.Context).Measure(s.State) - new TestAccuracy(s.Context).Measure(s.State),
            new AccuracyGap(s.Context).Measure(s.State), 1e-12);
        Approx.Relative(0.3 / 12, new LearningRateOverBatchSize().Measure(s.State), 1e-15);
    }
}

internal static class SoftmaxRegressionExtensions
{
    public static double[] Gradient(this SoftmaxRegression model, int[] rows, double[] theta) => model.Gradient(theta, rows);
}
