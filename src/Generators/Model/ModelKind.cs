namespace Declarative.Generators.Model
{
    /// <summary>
    /// The DSL's model attributes (<c>[Mlp]</c> is <see cref="Mlp"/>): read by the attribute's name, emitted as the runtime's
    /// <c>ModelKind</c> member of the same name.
    /// </summary>
    internal enum ModelKind
    {
        Mlp,
        Cnn,
        ResNet,
    }
}
