namespace Declarative.Runtime.Instruments.Numerics;

/// <summary>
/// One ε-sharpness maximisation (<see cref="SharpnessAscent"/>).
/// </summary>
/// <param name="Sharpness">φ = 100 (f(x + y*) − f(x)) / (1 + f(x)), y* the best point found (percent).</param>
/// <param name="StandardError">
/// Standard error of <see cref="Sharpness"/> over the examples: 100 · sd(d_i) / √n / (1 + f(x)), d_i = ℓ_i(x + y*) − ℓ_i(x);
/// 0 for a single example.
/// </param>
/// <param name="Steps">Ascent steps taken (each one forward-backward pass over the examples).</param>
/// <param name="Converged">Whether the ascent met its tolerance (or reached a point its step cannot leave) before the cap.</param>
/// <param name="BaseLoss">f(x), the mean loss at the unperturbed parameters.</param>
/// <param name="MaxLoss">f(x + y*), the largest mean loss found in the box.</param>
public sealed record SharpnessResult(double Sharpness, double StandardError, int Steps, bool Converged, double BaseLoss, double MaxLoss)
{
    /// <summary>Forward-backward passes over the examples: one at x, one per step.</summary>
    public int Passes => Steps + 1;
}
