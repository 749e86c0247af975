namespace Declarative.Generators.Model
{
    /// <summary>
    /// The DSL's data-set attributes (<c>[FashionMnist]</c> is <see cref="FashionMnist"/>): the generator reads a declaration's
    /// data set as one of these, by its attribute's name, and emits the runtime's <c>DataSetKind</c> member of the same name.
    /// </summary>
    internal enum DataSetKind
    {
        FashionMnist,
        Idx,
        Cifar10,
        GaussianMixture,
        TeacherStudent,
        QuadraticTarget,
    }
}
