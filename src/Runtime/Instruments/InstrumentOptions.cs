namespace Declarative.Runtime.Instruments;

/// <summary>
/// Settings of the instruments of one [Track], as declared (the generator passes the named
/// arguments of the attribute). Instruments are created by <see cref="InstrumentCatalog"/>, which passes each
/// constructor what it reads.
/// </summary>
public sealed record InstrumentOptions
{
    public static InstrumentOptions Default { get; } = new();

    /// <summary>Number of top Hessian eigenvalues (Lanczos).</summary>
    public int TopK { get; init; } = 1;

    /// <summary>
    /// Examples of the fixed training subset used by full-batch instruments (gradient norm, Hessian, sharpness), as
    /// declared; 0 (not declared) = the instrument's default: <see cref="FullBatchExamples"/>, <see cref="SharpnessExamples"/>.
    /// </summary>
    public int Examples { get; init; }

    /// <summary>The subset size of the full-batch instruments: <see cref="Examples"/>, else <see cref="TrackAttribute.DefaultExamples"/>.</summary>
    public int FullBatchExamples => Examples > 0 ? Examples : TrackAttribute.DefaultExamples;

    /// <summary>The subset size of ε-sharpness: <see cref="Examples"/>, else <see cref="TrackAttribute.DefaultSharpnessExamples"/>.</summary>
    public int SharpnessExamples => Examples > 0 ? Examples : TrackAttribute.DefaultSharpnessExamples;

    /// <summary>Random probe vectors (Hutchinson trace) or mini-batches (gradient noise).</summary>
    public int Samples { get; init; } = 10;

    /// <summary>Alpha grid of interpolation profiles: from, to and the number of points.</summary>
    public double AlphaFrom { get; init; } = -0.5;
    public double AlphaTo { get; init; } = 1.5;
    public int AlphaPoints { get; init; } = 21;

    /// <summary>Relative box size of ε-sharpness (Keskar et al.).</summary>
    public double Epsilon { get; init; } = 1e-3;

    /// <summary>Most projected ascent steps of ε-sharpness (a safeguard; the ascent stops at <see cref="AscentTolerance"/>).</summary>
    public int AscentSteps { get; init; } = TrackAttribute.DefaultAscentSteps;

    /// <summary>Relative convergence tolerance of ε-sharpness's maximisation (see <see cref="Numerics.SharpnessAscent"/>).</summary>
    public double AscentTolerance { get; init; } = TrackAttribute.DefaultAscentTolerance;

    /// <summary>Lanczos stopping rule: every wanted Ritz pair has residual ‖Hy − θy‖ ≤ tolerance·|θ| (not in the DSL yet).</summary>
    public double LanczosTolerance { get; init; } = Numerics.Lanczos.DefaultTolerance;

    /// <summary>Most Hessian-vector products per Lanczos run; 0 = <see cref="Numerics.Lanczos.DefaultIterations"/> (max(200, 3k + 10), capped at the parameter count; not in the DSL yet).</summary>
    public int LanczosIterations { get; init; }

    /// <summary>Start each Lanczos run after a trial's first from the previous run's Ritz vectors (fewer products; not in the DSL yet).</summary>
    public bool LanczosWarmStart { get; init; } = true;

    /// <summary>The cadence the instrument is measured at (set by the generated loop).</summary>
    public Experiments.Cadence? Cadence { get; init; }

    /// <summary>Seed of the instrument's own random stream (never the training stream).</summary>
    public long Seed { get; init; } = 1234;
}
