namespace Declarative.Runtime.Experiments.Specs;

/// <summary>
/// A data set as declared: its kind and settings. The generated code sets every setting the declared kind has (its
/// value or the DSL's default); the defaults here are the DSL's (<see cref="GaussianMixtureAttribute"/>,
/// <see cref="TeacherStudentAttribute"/>), which a kind without that setting keeps: they are never read for it, but a
/// trial's id has always hashed them.
/// </summary>
public sealed record DataSpec(DataSetKind Kind)
{
    public string? Name { get; init; }
    public string? Folder { get; init; }
    public string? EnvironmentVariable { get; init; }
    public int TrainSubset { get; init; }
    public double LabelNoise { get; init; }
    public int Classes { get; init; } = GaussianMixtureAttribute.DefaultClasses;
    public int Dimensions { get; init; } = GaussianMixtureAttribute.DefaultDimensions;
    public int TeacherWidth { get; init; } = TeacherStudentAttribute.DefaultTeacherWidth;
    public int Train { get; init; } = GaussianMixtureAttribute.DefaultTrain;
    public int Test { get; init; } = GaussianMixtureAttribute.DefaultTest;
    public double Separation { get; init; } = GaussianMixtureAttribute.DefaultSeparation;
    public double Noise { get; init; }
    public int Seed { get; init; } = GaussianMixtureAttribute.DefaultSeed;
}
