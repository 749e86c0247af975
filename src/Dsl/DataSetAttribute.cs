using System;

namespace Declarative
{
    /// <summary>
    /// What every data set declaration shares: the size of the fixed training and test subsets and
    /// the fraction of training labels replaced by a wrong class. A record member named
    /// <c>TrainSubset</c> or <c>LabelNoise</c> (a sweep axis or a computed property) takes precedence.
    /// Declare exactly one data set per experiment; with none, the experiment trains on Fashion-MNIST.
    /// </summary>
    public abstract class DataSetAttribute : Attribute
    {
        /// <summary>Train on this many examples, a fixed subset shared by all trials (0: all).</summary>
        public int TrainSubset { get; set; }

        /// <summary>Evaluate on this many test examples, a fixed subset (0: all).</summary>
        public int TestSubset { get; set; }

        /// <summary>Fraction in [0, 1) of training labels flipped to another class, exactly, chosen per seed. The test set is never noisy.</summary>
        public double LabelNoise { get; set; }
    }

    /// <summary>
    /// Fashion-MNIST (60,000 training and 10,000 test images of 28x28 pixels, 10 classes), read from
    /// the IDX files of Debian's <c>dataset-fashion-mnist</c> (<c>/usr/share/datasets/fashion-mnist</c>)
    /// or from the folder named by <c>--data</c> or the <c>DECLARATIVE_FASHION_MNIST</c> variable.
    /// </summary>
    /// <example>
    /// <code>[FashionMnist(TrainSubset = 20_000, LabelNoise = 0.2)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class FashionMnistAttribute : DataSetAttribute
    {
    }

    /// <summary>
    /// Any data set in the IDX format of MNIST (MNIST, KMNIST, ...): <c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>
    /// (plain or <c>.gz</c>) in a folder the user supplies.
    /// </summary>
    /// <example>
    /// <code>[Idx("MNIST", EnvironmentVariable = "MNIST_DIR")]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class IdxAttribute : DataSetAttribute
    {
        /// <summary>An IDX data set called <paramref name="name"/>.</summary>
        public IdxAttribute(string name) => Name = name;

        /// <summary>The data set's name, for reports and messages.</summary>
        public string Name { get; }

        /// <summary>The folder holding the four files (or use <see cref="EnvironmentVariable"/>).</summary>
        public string? Folder { get; set; }

        /// <summary>An environment variable naming the folder; it overrides <see cref="Folder"/> when set.</summary>
        public string? EnvironmentVariable { get; set; }
    }

    /// <summary>
    /// CIFAR-10 in its binary format (<c>data_batch_1.bin</c> ... <c>data_batch_5.bin</c>,
    /// <c>test_batch.bin</c>) in a folder the user supplies.
    /// </summary>
    /// <example>
    /// <code>[Cifar10(EnvironmentVariable = "CIFAR10_DIR")]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class Cifar10Attribute : DataSetAttribute
    {
        /// <summary>The folder holding the binary batches (or use <see cref="EnvironmentVariable"/>).</summary>
        public string? Folder { get; set; }

        /// <summary>An environment variable naming the folder; it overrides <see cref="Folder"/> when set.</summary>
        public string? EnvironmentVariable { get; set; }
    }

    /// <summary>A synthetic classification task: a mixture of Gaussians, one per class, drawn with a fixed seed.</summary>
    /// <example>
    /// <code>[GaussianMixture(Classes = 10, Dimensions = 64, Train = 8192, Test = 2048, Separation = 2.0)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class GaussianMixtureAttribute : DataSetAttribute
    {
        /// <summary>Number of classes (mixture components). Default 10.</summary>
        public int Classes { get; set; } = 10;

        /// <summary>Input dimension. Default 64.</summary>
        public int Dimensions { get; set; } = 64;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Distance scale between class centres, in units of the within-class standard deviation. Default 2.</summary>
        public double Separation { get; set; } = 2.0;

        /// <summary>Seed of the draw (fixed for the experiment, independent of trial seeds). Default 1.</summary>
        public int Seed { get; set; } = 1;
    }

    /// <summary>A synthetic classification task labelled by a fixed random teacher network (a one-hidden-layer ReLU MLP) on Gaussian inputs.</summary>
    /// <example>
    /// <code>[TeacherStudent(Dimensions = 100, TeacherWidth = 32, Classes = 10)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class TeacherStudentAttribute : DataSetAttribute
    {
        /// <summary>Number of classes (teacher outputs, argmax labels). Default 10.</summary>
        public int Classes { get; set; } = 10;

        /// <summary>Input dimension. Default 100.</summary>
        public int Dimensions { get; set; } = 100;

        /// <summary>Hidden width of the teacher. Default 32.</summary>
        public int TeacherWidth { get; set; } = 32;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Seed of the teacher and the inputs. Default 1.</summary>
        public int Seed { get; set; } = 1;
    }

    /// <summary>
    /// A synthetic regression task with known ground truth: y = xᵀAx + bᵀx on Gaussian features x,
    /// trained on the mean squared error (accuracy instruments are not available for it).
    /// </summary>
    /// <example>
    /// <code>[QuadraticTarget(Dimensions = 20)]</code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class QuadraticTargetAttribute : DataSetAttribute
    {
        /// <summary>Feature dimension. Default 20.</summary>
        public int Dimensions { get; set; } = 20;

        /// <summary>Training examples. Default 8192.</summary>
        public int Train { get; set; } = 8192;

        /// <summary>Test examples. Default 2048.</summary>
        public int Test { get; set; } = 2048;

        /// <summary>Standard deviation of Gaussian noise added to the training targets. Default 0.</summary>
        public double Noise { get; set; }

        /// <summary>Seed of A, b and the features. Default 1.</summary>
        public int Seed { get; set; } = 1;
    }
}
