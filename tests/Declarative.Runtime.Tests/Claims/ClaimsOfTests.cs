using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Reports;

namespace Declarative.Runtime.Tests.Claims;

public sealed class ClaimsOfTests
{
    /// <summary>An experiment whose claim property throws while being built, as a bad threshold does.</summary>
    private sealed class BadClaims : IExperimentDefinition
    {
        private static Claim TooFewPoints => GridResults.Expect.Decreasing(r => r.Final(m => m.TestAccuracy), by: p => p.BatchSize, minRho: 1.5);

        public string Name => "Bad";
        public string Summary => "";
        public string Declaration => "";
        public IReadOnlyList<string> Axes => ["LearningRate", "BatchSize"];
        public MetricSchema Schema => GridMetrics.Schema;
        public IReadOnlyList<Claim> Claims => [TooFewPoints.Named(nameof(TooFewPoints))];
        public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
        public IReadOnlyList<ITrial> Trials(Budget budget) => [];
        public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
        public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => throw new NotSupportedException();
    }

    [Fact]
    public void Claims_that_cannot_be_built_become_one_inconclusive_entry_naming_the_property()
    {
        var claims = ReportWriter.ClaimsOf(new BadClaims());

        var result = Assert.Single(claims).Check(GridResults.Crafted());
        Assert.Equal(Verdict.Inconclusive, result.Verdict);
        Assert.Contains("BadClaims.TooFewPoints", result.Evidence);
        Assert.Contains("minRho", result.Evidence);
    }
}
