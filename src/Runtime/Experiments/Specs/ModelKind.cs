namespace Declarative.Runtime.Experiments.Specs;

/// <summary>The models a declaration can name, one per model attribute of the DSL (<c>[Mlp]</c>, <c>[Cnn]</c>, <c>[ResNet]</c>).</summary>
/// <remarks>No member is 0, so that the kind is always part of a trial's id (see <see cref="DataSetKind"/>).</remarks>
public enum ModelKind
{
    /// <summary><see cref="Models.Mlp"/>.</summary>
    Mlp = 1,

    /// <summary><see cref="Models.SmallCnn"/>.</summary>
    Cnn,

    /// <summary><see cref="Models.SmallResNet"/>.</summary>
    ResNet,
}
