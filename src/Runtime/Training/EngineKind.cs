namespace Declarative.Runtime.Training;

/// <summary>The training engines (see <see cref="ITrainingEngine"/>).</summary>
public enum EngineKind
{
    /// <summary>Autograd over each member's own model and optimizer: every model, optimizer and penalty.</summary>
    Autograd,

    /// <summary>A hand-written forward and backward over stacked [K, ...] weights: plain MLPs with the SGD family.</summary>
    StackedMlp,
}
