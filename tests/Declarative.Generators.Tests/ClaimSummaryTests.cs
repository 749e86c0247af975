using Declarative.Runtime.Experiments;

namespace Declarative.Generators.Tests;

/// <summary>The generated catalogue names each claim and carries its doc comment summary, which heads its verdict in the report.</summary>
public sealed class ClaimSummaryTests
{
    [Fact]
    public void Each_claim_carries_its_property_name_and_doc_summary()
    {
        var source = Samples.Grid
            .Replace("using Declarative;", "using Declarative;\nusing Declarative.Runtime.Claims;")
            .Replace("    public double Ratio => LearningRate / BatchSize;", """
                    public double Ratio => LearningRate / BatchSize;

                    /// <summary>
                    /// Larger batches reach a lower <c>TestAccuracy</c>.
                    /// </summary>
                    public static Claim AccuracyFallsWithBatch => Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize);

                    public static Claim Undocumented => Expect.Increasing(r => r.Final(m => m.TestAccuracy), by: p => p.LearningRate);
                """);
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(source));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("Sample.Grid+Definition")!)!;

        var claims = definition.Claims;

        Assert.Equal(["AccuracyFallsWithBatch", "Undocumented"], claims.Select(c => c.Name));
        Assert.Equal("Larger batches reach a lower `TestAccuracy`.", claims[0].Summary);
        Assert.Equal("", claims[1].Summary);
    }
}
