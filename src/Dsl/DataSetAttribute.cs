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
}
