namespace Declarative
{
    /// <summary>
    /// Which parts of regime adaptation (<see cref="RegimeAdaptationAttribute"/>) a trial applies, so that each part's share of
    /// closing the large-batch gap can be measured: the type of a record member <c>RegimeAdaptation</c>.
    /// </summary>
    public enum Adaptation
    {
        /// <summary>No adaptation: the declared epochs and learning rate.</summary>
        None,

        /// <summary>More updates only: as many updates as the base batch size makes in the declared epochs, at the declared learning rate.</summary>
        MoreUpdates,

        /// <summary>Scaled learning rate only: the learning rate times √(B / B₀), over the declared epochs.</summary>
        ScaledLearningRate,

        /// <summary>Both parts: Hoffer et al.'s adapted regime.</summary>
        Full,
    }
}
