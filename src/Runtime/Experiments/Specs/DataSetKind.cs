namespace Declarative.Runtime.Experiments.Specs;

/// <summary>
/// The data sets a declaration can name, one per data-set attribute of the DSL (<c>[FashionMnist]</c>, <c>[Idx]</c>, ...).
/// </summary>
/// <remarks>
/// No member is 0: a trial's id hashes its spec without members at their default, and the kind has always been part of
/// it (it was a string), so every kind must be written (<see cref="TrialId"/>).
/// </remarks>
public enum DataSetKind
{
    FashionMnist = 1,
    Idx,
    Cifar10,
    GaussianMixture,
    TeacherStudent,
    QuadraticTarget,
}
