namespace Declarative.Generators.Model
{
    /// <summary>The DSL's optimizer attributes (<c>[Sgd]</c>, <c>[Adam]</c>, <c>[AnyOptimizer]</c>), read by the attribute's name.</summary>
    internal enum OptimizerDeclaration
    {
        Sgd,
        Adam,
        AnyOptimizer,
    }
}
