using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>The gradient noise of a set of mini-batch losses at the current parameters (see <see cref="GradientNoiseResult"/>).</summary>
public static class GradientNoise
{
    public static GradientNoiseResult Estimate(IReadOnlyList<LossFunction> batchLosses, IReadOnlyList<Tensor> parameters, int batchSize)
    {
        var samples = batchLosses.Count;
        if (samples < 2) throw new ArgumentOutOfRangeException(nameof(batchLosses), samples, "Gradient noise needs at least two mini-batches.");
        using var scope = NewDisposeScope();
        // Welford: a running mean and the running sum of squared deviations (no cancellation).
        var mean = zeros([ParameterVector.Count(parameters)], dtype: ScalarType.Float64);
        var deviations = 0.0;
        var k = 0;
        foreach (var loss in batchLosses)
        {
            using var inner = NewDisposeScope();
            var g = ParameterVector.Gradient(loss, parameters, out _);
            k++;
            // (g − m_{k−1})·(g − m_k) with m_k = m_{k−1} + (g − m_{k−1})/k is (1 − 1/k)‖g − m_{k−1}‖²: two passes, no temporaries.
            var before = g.sub_(mean);
            deviations += (k - 1.0) / k * ParameterVector.Dot(before, before);
            mean.add_(before, alpha: 1.0 / k);
        }
        var meanSquared = ParameterVector.Dot(mean, mean);
        var variance = deviations / (samples - 1);
        return new GradientNoiseResult(variance, batchSize * variance, meanSquared - variance / samples, meanSquared);
    }
}
