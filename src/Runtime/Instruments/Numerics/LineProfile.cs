using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// Loss profiles along a line in parameter space: between consecutive iterates (F1, direction θ_{t+1} − θ_t)
/// or along an eigenvector. α* is the grid minimum refined by the vertex of the parabola through it and its
/// two neighbours (exact for a quadratic loss), kept only if the loss there is not higher than at the grid
/// minimum; at an end of the grid α* is that end. Parameters are restored by copy afterwards.
/// </summary>
public static class LineProfile
{
    public static double[] Grid(double from, double to, int points)
    {
        if (points < 1) throw new ArgumentOutOfRangeException(nameof(points), points, "The alpha grid needs at least one point.");
        if (points == 1) return [from];
        return Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1)).ToArray();
    }

    /// <param name="loss">The loss whose profile is measured.</param>
    /// <param name="parameters">The model's parameters, set to each point of the line in turn and restored after.</param>
    /// <param name="origin">θ(0), flat float64.</param>
    /// <param name="direction">The line's direction, flat float64 (not normalised: α = 1 is origin + direction).</param>
    /// <param name="alphas">The points of the line, as multiples of <paramref name="direction"/>.</param>
    public static LineProfileResult Measure(LossFunction loss, IReadOnlyList<Tensor> parameters, Tensor origin, Tensor direction, double[] alphas)
    {
        var saved = ParameterVector.Snapshot(parameters);
        try
        {
            double At(double alpha)
            {
                ParameterVector.AssignLine(parameters, origin, alpha, direction);
                return ParameterVector.Value(loss);
            }

            var losses = alphas.Select(At).ToArray();
            var best = 0;
            for (var i = 1; i < losses.Length; i++) if (losses[i] < losses[best]) best = i;
            var alphaStar = alphas[best];
            var lossStar = losses[best];
            if (best > 0 && best < losses.Length - 1)
            {
                var vertex = ParabolaVertex(alphas[best - 1], losses[best - 1], alphas[best], losses[best], alphas[best + 1], losses[best + 1]);
                if (double.IsFinite(vertex) && vertex != alphaStar)
                {
                    var atVertex = At(vertex);
                    if (atVertex <= lossStar) (alphaStar, lossStar) = (vertex, atVertex);
                }
            }
            var zero = Array.IndexOf(alphas, 0.0);
            var lossAtZero = zero >= 0 ? losses[zero] : At(0);
            return new LineProfileResult(alphas, losses, alphaStar, lossStar, lossAtZero);
        }
        finally
        {
            ParameterVector.Restore(parameters, saved);
            foreach (var t in saved) t.Dispose();
        }
    }

    /// <summary>The abscissa of the vertex of the parabola through three points (NaN when they are collinear).</summary>
    public static double ParabolaVertex(double x0, double y0, double x1, double y1, double x2, double y2)
    {
        var d01 = (y1 - y0) / (x1 - x0);
        var d12 = (y2 - y1) / (x2 - x1);
        var curvature = (d12 - d01) / (x2 - x0);
        if (curvature <= 0) return double.NaN;
        // y = y0 + d01 (x − x0) + c (x − x0)(x − x1); dy/dx = d01 + c (2x − x0 − x1) = 0.
        return (x0 + x1) / 2 - d01 / (2 * curvature);
    }
}
