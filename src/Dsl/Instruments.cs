using System;

namespace Declarative
{
    /// <summary>
    /// The metric collectors an experiment can track. Each instrument is one column of the
    /// experiment's typed metric row; combine several with <c>|</c> in one <see cref="TrackAttribute"/>.
    /// </summary>
    [Flags]
    public enum Instruments : long
    {
        /// <summary>No instrument.</summary>
        None = 0,

        /// <summary>Mean cross-entropy of the step's mini-batch, before the update.</summary>
        BatchLoss = 1L << 0,

        /// <summary>Accuracy on the step's mini-batch, before the update.</summary>
        BatchAccuracy = 1L << 1,

        /// <summary>Mean cross-entropy on the training examples (the experiment's training subset).</summary>
        TrainLoss = 1L << 2,

        /// <summary>Accuracy on the training examples (the experiment's training subset).</summary>
        TrainAccuracy = 1L << 3,

        /// <summary>Mean cross-entropy on the test set.</summary>
        TestLoss = 1L << 4,

        /// <summary>Accuracy on the test set.</summary>
        TestAccuracy = 1L << 5,

        /// <summary>Euclidean distance of all weights from their initial values, ‖θ_t − θ_0‖.</summary>
        DistanceFromInit = 1L << 6,

        /// <summary>Distance from initialisation relative to the initial norm, ‖θ_t − θ_0‖ / ‖θ_0‖.</summary>
        RelativeDistanceFromInit = 1L << 7,

        /// <summary>Mean cross-entropy on the fixed training subset of <c>Examples</c> examples that the full-batch instruments use (evaluation mode).</summary>
        SubsetLoss = 1L << 8,

        /// <summary>Accuracy on the fixed training subset of <c>Examples</c> examples (evaluation mode).</summary>
        SubsetAccuracy = 1L << 9,

        /// <summary>Generalization gap in loss: test loss minus train loss.</summary>
        GeneralizationGap = 1L << 10,

        /// <summary>Generalization gap in accuracy: train accuracy minus test accuracy.</summary>
        AccuracyGap = 1L << 11,

        /// <summary>Norm of the step just taken, ‖θ_{t+1} − θ_t‖ (computed by the engine with the step: free).</summary>
        UpdateNorm = 1L << 12,

        /// <summary>Norm of the mini-batch gradient the optimizer applied at the step (computed by the engine with the step: free).</summary>
        BatchGradientNorm = 1L << 13,

        /// <summary>Norm of the full-batch gradient on the fixed training subset of <c>Examples</c> examples.</summary>
        GradientNorm = 1L << 14,

        /// <summary>Variance of the mini-batch gradient (trace of its covariance) at the trial's batch size, from <c>Samples</c> mini-batches.</summary>
        GradientVariance = 1L << 15,

        /// <summary>Gradient noise scale B_noise = tr(Σ)/‖G‖² (McCandlish et al.), from <c>Samples</c> mini-batches of the trial's batch size.</summary>
        GradientNoiseScale = 1L << 16,

        /// <summary>The trial's learning rate divided by its batch size (lr/B).</summary>
        LearningRateOverBatchSize = 1L << 17,

        /// <summary>The <c>TopK</c> largest Hessian eigenvalues of the loss on the fixed subset (Lanczos on Hessian-vector products), largest first.</summary>
        [ColumnShape(ColumnShape.Vector)]
        HessianTopEigenvalues = 1L << 18,

        /// <summary>Trace of the Hessian of the loss on the fixed subset (Hutchinson, <c>Samples</c> Rademacher probes).</summary>
        HessianTrace = 1L << 19,

        /// <summary>Loss on the fixed subset along the top Hessian eigenvector (unit norm), L(θ + α v₁) over the alpha grid.</summary>
        [ColumnShape(ColumnShape.Vector)]
        LossAlongTopEigenvector = 1L << 20,

        /// <summary>Loss on the fixed subset on the line between consecutive iterates, L(θ_t + α(θ_{t+1} − θ_t)) over the alpha grid.</summary>
        [ColumnShape(ColumnShape.Vector)]
        [ObservesUpdate]
        InterpolationProfile = 1L << 21,

        /// <summary>Position α* of the minimum of the loss between consecutive iterates (0 = θ_t, 1 = θ_{t+1}).</summary>
        [ObservesUpdate]
        InterpolationMinimum = 1L << 22,

        /// <summary>Height of θ_t above the floor of the segment to θ_{t+1}: L(θ_t) − L(θ_α*).</summary>
        [ObservesUpdate]
        InterpolationHeight = 1L << 23,

        /// <summary>
        /// ε-sharpness of Keskar et al. (2017, eq. 4), in percent: 100 (max f(θ + y) − f(θ)) / (1 + f(θ)) over the box
        /// |y_i| ≤ <c>Epsilon</c> (|θ_i| + 1), f the mean cross-entropy on a fixed training subset of <c>Examples</c>
        /// examples (default 10,000). The maximum is found by projected sign ascent run to convergence
        /// (<c>AscentTolerance</c>, at most <c>AscentSteps</c> steps); see <see cref="EpsilonSharpnessError"/> for its
        /// standard error and <see cref="EpsilonSharpnessSteps"/> for the steps it took.
        /// </summary>
        EpsilonSharpness = 1L << 24,

        /// <summary>
        /// Accuracy on the training examples whose labels <c>LabelNoise</c> flipped, against their flipped labels: the
        /// fraction of the wrong labels the network has memorised (Zhang et al. 2017; Arpit et al. 2017). Needs label noise.
        /// </summary>
        FlippedLabelAccuracy = 1L << 25,

        /// <summary>Mean cross-entropy on the training examples whose labels <c>LabelNoise</c> flipped, against their flipped labels. Needs label noise.</summary>
        FlippedLabelLoss = 1L << 26,

        /// <summary>
        /// Standard error of <see cref="EpsilonSharpness"/> over the examples, on the same scale (percent): 100 · sd(d_i) / √n /
        /// (1 + f(θ)), d_i each example's loss increase at the maximiser found. It is the sampling error of the subset (the
        /// weights' own sharpness on another subset of the same size differs by about this much), not the optimiser's.
        /// Measured in the same pass as <see cref="EpsilonSharpness"/> (free alongside it).
        /// </summary>
        EpsilonSharpnessError = 1L << 27,

        /// <summary>
        /// Projected ascent steps ε-sharpness's maximisation took to converge; negative (−<c>AscentSteps</c>) when it
        /// stopped at the <c>AscentSteps</c> cap without converging. Measured in the same pass as <see cref="EpsilonSharpness"/>.
        /// </summary>
        EpsilonSharpnessSteps = 1L << 28,

        /// <summary>
        /// Hessian-vector products the Lanczos run of <see cref="HessianTopEigenvalues"/> took to reach its tolerance; negative
        /// (−products) when it stopped at its cap without reaching it (its eigenvalues are then less accurate than asked). Read from
        /// the same run as <see cref="HessianTopEigenvalues"/> and <see cref="LossAlongTopEigenvector"/> (free alongside them).
        /// </summary>
        HessianLanczosProducts = 1L << 29,
    }
}
