using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// Synthetic tasks with known ground truth, generated on the CPU from their own seeded generator
/// (independent of the trial seed and of the global random stream, so every trial of an experiment
/// sees the same data) and moved to the device. Names encode every parameter, so the
/// <see cref="DataCatalog"/> caches each variant once.
/// </summary>
public static class Synthetic
{
    /// <summary>
    /// Gaussian mixture classification: class c has mean μ_c ~ N(0, separation² I / dimension)·√dimension
    /// (so ‖μ_c‖ ≈ separation) and unit isotropic covariance; labels are balanced up to rounding.
    /// </summary>
    public static ClassificationData GaussianMixture(int classes, int dimension, int train, int test, double separation = 3, long seed = 0)
    {
        Check(classes >= 2, "A Gaussian mixture needs at least two classes.");
        CheckSizes(dimension, train, test);
        using var generator = new Generator((ulong)(seed + 11));
        using var scope = NewDisposeScope();
        var means = randn([classes, dimension], ScalarType.Float32, generator: generator).mul_(separation / Math.Sqrt(dimension));
        (Tensor X, Tensor Y) Draw(int n)
        {
            var y = arange(n, dtype: ScalarType.Int64).remainder_(classes);
            var order = randperm(n, generator: generator);
            y = y.index_select(0, order);
            var x = means.index_select(0, y) + randn([n, dimension], ScalarType.Float32, generator: generator);
            return (x, y);
        }
        var (trainX, trainY) = Draw(train);
        var (testX, testY) = Draw(test);
        var name = $"GaussianMixture(c={classes},d={dimension},n={train}/{test},sep={Format(separation)},seed={seed})";
        return Keep(name, trainX, trainY, testX, testY, classes);
    }

    /// <summary>
    /// Teacher–student classification: inputs x ~ N(0, I); the label is the argmax of a random
    /// one-hidden-layer ReLU teacher network (weights N(0, 1/fan-in)) of <paramref name="teacherWidth"/> units.
    /// </summary>
    public static ClassificationData TeacherStudent(int dimension, int teacherWidth, int classes, int train, int test, long seed = 0)
    {
        Check(classes >= 2, "A teacher–student task needs at least two classes.");
        Check(teacherWidth > 0, "The teacher needs a positive width.");
        CheckSizes(dimension, train, test);
        using var generator = new Generator((ulong)(seed + 23));
        using var scope = NewDisposeScope();
        var w1 = randn([dimension, teacherWidth], ScalarType.Float32, generator: generator).div_(Math.Sqrt(dimension));
        var w2 = randn([teacherWidth, classes], ScalarType.Float32, generator: generator).div_(Math.Sqrt(teacherWidth));
        (Tensor X, Tensor Y) Draw(int n)
        {
            var x = randn([n, dimension], ScalarType.Float32, generator: generator);
            var y = nn.functional.relu(x.matmul(w1)).matmul(w2).argmax(1);
            return (x, y);
        }
        var (trainX, trainY) = Draw(train);
        var (testX, testY) = Draw(test);
        var name = $"TeacherStudent(d={dimension},h={teacherWidth},c={classes},n={train}/{test},seed={seed})";
        return Keep(name, trainX, trainY, testX, testY, classes);
    }

    /// <summary>
    /// Regression on a quadratic target: x ~ N(0, I_d), y = (xᵀ A x − tr A) / √d + σ ε with A a random
    /// symmetric matrix (entries N(0, 1/d)) and ε ~ N(0, 1) on the training targets only. Targets are
    /// [N, 1] floats; <see cref="ClassificationData.ClassCount"/> is 0, so the loop trains on mean squared error.
    /// </summary>
    public static ClassificationData QuadraticTarget(int dimension, int train, int test, double noise = 0, long seed = 0)
    {
        CheckSizes(dimension, train, test);
        Check(noise >= 0, "The target noise must be non-negative.");
        using var generator = new Generator((ulong)(seed + 37));
        using var scope = NewDisposeScope();
        var g = randn([dimension, dimension], ScalarType.Float32, generator: generator).div_(Math.Sqrt(2.0 * dimension));
        var a = g + g.t();
        var trace = a.trace();
        (Tensor X, Tensor Y) Draw(int n, double sigma)
        {
            var x = randn([n, dimension], ScalarType.Float32, generator: generator);
            var y = (x.matmul(a) * x).sum(1, keepdim: true).sub_(trace).div_(Math.Sqrt(dimension));
            if (sigma > 0) y.add_(randn([n, 1], ScalarType.Float32, generator: generator).mul_(sigma));
            return (x, y);
        }
        var (trainX, trainY) = Draw(train, noise);
        var (testX, testY) = Draw(test, 0);
        var name = $"QuadraticTarget(d={dimension},n={train}/{test},noise={Format(noise)},seed={seed})";
        return Keep(name, trainX, trainY, testX, testY, classes: 0);
    }

    private static ClassificationData Keep(string name, Tensor trainX, Tensor trainY, Tensor testX, Tensor testY, int classes) =>
        new(name, trainX.MoveToOuterDisposeScope(), trainY.MoveToOuterDisposeScope(), testX.MoveToOuterDisposeScope(), testY.MoveToOuterDisposeScope(), classes);

    private static string Format(double value) => value.ToString("G6", System.Globalization.CultureInfo.InvariantCulture);

    private static void Check(bool condition, string message)
    {
        if (!condition) throw new ArgumentException(message);
    }

    private static void CheckSizes(int dimension, int train, int test)
    {
        Check(dimension > 0, "The input dimension must be positive.");
        Check(train > 0 && test > 0, "The training and test sets need at least one example each.");
    }
}
