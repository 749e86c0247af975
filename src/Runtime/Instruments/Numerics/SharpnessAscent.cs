using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// ε-sharpness as defined by Keskar et al. (2017, eq. 4) in the full parameter space (A = I):
/// φ(x, ε) = 100 · (max_{y ∈ C_ε} f(x + y) − f(x)) / (1 + f(x)),
/// C_ε = { y : |y_i| ≤ ε (|x_i| + 1) }.
/// Keskar solves the inner maximisation with L-BFGS-B; here it is projected sign-gradient ascent
/// (y ← clip(y + b ⊙ sign ∇f(x + y), −b, b) with b the box half-widths), which lands on the box's vertices
/// where a convex or nearly linear loss takes its maximum; the largest loss seen at any iterate is kept.
/// Costs <c>steps + 1</c> forward-backward passes; parameters are restored by copy afterwards.
/// </summary>
public static class SharpnessAscent
{
    public static double Measure(LossFunction loss, IReadOnlyList<Tensor> parameters, double epsilon, int steps)
    {
        var saved = ParameterVector.Snapshot(parameters);
        try
        {
            using var scope = NewDisposeScope();
            var x = ParameterVector.Flatten(saved);
            var bound = (x.abs() + 1) * epsilon;
            var y = zeros_like(x);
            double f0 = double.NaN, best = double.NegativeInfinity;
            for (var s = 0; s <= steps; s++)
            {
                using var inner = NewDisposeScope();
                var g = ParameterVector.Gradient(loss, parameters, out var f);
                if (s == 0) f0 = f;
                best = Math.Max(best, f);
                if (s == steps) break;
                using (no_grad())
                {
                    y.add_(bound * g.sign());
                    y.copy_(minimum(maximum(y, -bound), bound));
                }
                ParameterVector.Assign(parameters, x + y);
            }
            return 100 * (best - f0) / (1 + f0);
        }
        finally
        {
            ParameterVector.Restore(parameters, saved);
            foreach (var t in saved) t.Dispose();
        }
    }
}
