using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Data;

/// <summary>
/// Symmetric label noise for F4: exactly round(fraction · N) training labels, chosen by a generator
/// seeded from the trial seed, are replaced by a different class drawn uniformly from the other
/// C − 1 classes. The test set is never changed. The result shares the inputs and test tensors with
/// the source (aliases, no copies), owns its new labels, and records which examples were flipped
/// (<see cref="ClassificationData.FlippedMask"/>) and their clean labels, so that an instrument can
/// measure the fit to the noisy labels.
/// </summary>
public static class LabelNoise
{
    /// <summary>The number of labels flipped for a fraction of <paramref name="count"/> examples.</summary>
    public static int FlippedCount(int count, double fraction) => (int)Math.Round(fraction * count, MidpointRounding.AwayFromZero);

    public static ClassificationData Apply(ClassificationData data, double fraction, long seed)
    {
        if (data.IsRegression) throw new ArgumentException($"Label noise needs a classification data set; '{data.Name}' is a regression task.", nameof(data));
        if (fraction is < 0 or > 1 || double.IsNaN(fraction))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The label-noise fraction must be in [0, 1].");
        if (data.ClassCount < 2) throw new ArgumentException("Label noise needs at least two classes.", nameof(data));

        var n = data.TrainCount;
        var k = FlippedCount(n, fraction);
        var device = data.TrainLabels.device;
        Tensor noisyLabels, mask;
        using (var generator = new Generator((ulong)(seed * 7_919 + 104_729)))
        using (var scope = NewDisposeScope())
        {
            var order = randperm(n, generator: generator);
            var chosen = order.narrow(0, 0, k);
            var clean = data.TrainLabels.to(CPU);
            // An offset in 1..C-1 added modulo C always gives a different class, uniformly among the others.
            var offsets = randint(1, data.ClassCount, [k], generator: generator, dtype: ScalarType.Int64);
            var noisy = clean.clone();
            noisy.index_put_((clean.index_select(0, chosen) + offsets).remainder(data.ClassCount), chosen);
            var flipped = zeros(n, dtype: ScalarType.Bool);
            flipped.index_put_(tensor(true), chosen);
            noisyLabels = noisy.to(device).MoveToOuterDisposeScope();
            mask = flipped.to(device).MoveToOuterDisposeScope();
        }

        // The inputs and the test set are shared with the source (aliases: disposing this set leaves the source intact).
        var name = $"{data.Name}+noise{fraction.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture)}@{seed}";
        return new ClassificationData(name, data.TrainInputs.alias(), noisyLabels, data.TestInputs.alias(), data.TestLabels.alias(), data.ClassCount)
        {
            InputShape = data.InputShape,
            FlippedMask = mask,
            CleanTrainLabels = data.TrainLabels.alias(),
            NoiseFraction = fraction,
        };
    }
}
