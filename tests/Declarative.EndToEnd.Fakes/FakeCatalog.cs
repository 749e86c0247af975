using Declarative.Runtime.Experiments;

namespace Declarative.EndToEnd.Fakes;

public static class FakeCatalog
{
    public static IReadOnlyList<IExperimentDefinition> All { get; } = [new Mixed(), new Steady(), new Packable.Definition(), new Adaptive()];
}
