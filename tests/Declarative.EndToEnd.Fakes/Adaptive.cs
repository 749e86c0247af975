using System.Globalization;
using Declarative.Runtime.Claims;
using Declarative.Runtime.Experiments;

namespace Declarative.EndToEnd.Fakes;

/// <summary>
/// An experiment with a seed range (2 to 8 seeds per point: looks at 2, 4 and 8) and two claims whose data is known
/// in advance, so the rounds are too. Points <c>a</c> and <c>b</c> differ by 1 at every seed: <c>Clear</c> (a above b)
/// holds at the first look. Points <c>c</c> and <c>d</c> differ by 0.3 and 0.2 at seeds 0 and 1 (undecided at 2 seeds
/// with the look-adjusted 98.3% interval) and by 0.25 at every later seed: <c>Subtle</c> (c above d) holds at the second
/// look. So round 2 adds seeds 2 and 3 to c and d only, and the sweep stops there: 12 trials.
/// </summary>
public sealed class Adaptive : IExperimentDefinition
{
    public sealed record Point(string Side)
    {
        public static Point From(IReadOnlyList<KeyValuePair<string, string>> parameters) => new(ParameterValues.Text(parameters, "Side"));
    }

    public sealed record Row(long Step, double? Value) : IMetricRow
    {
        public int Epoch => 0;
        public double? GetValue(int column) => Value;
        public static Row From(MetricSample sample) => new(sample.Step, sample.GetValue(0));
    }

    private static readonly ClaimBuilder<Point, Row> Expect = new(Row.From, Point.From);

    public string Name => "Adaptive";
    public string Summary => "A fake experiment with adaptive seeds for the runner's tests.";
    public string Declaration => "[Experiment(Seeds = 2, MaxSeeds = 8)] (fake)";
    public IReadOnlyList<string> Axes => ["Side"];
    public MetricSchema Schema { get; } = new([new MetricColumn("Value", "at the end")]);

    public IReadOnlyList<Claim> Claims =>
    [
        Expect.Greater(r => r.Final(m => m.Value), where: p => p.Side == "a", than: p => p.Side == "b").Named("Clear"),
        Expect.Greater(r => r.Final(m => m.Value), where: p => p.Side == "c", than: p => p.Side == "d").Named("Subtle"),
    ];

    public ExperimentSettings SettingsFor(Budget budget) => new(1, 8, 0, 0, MinSeeds: 2);

    public IReadOnlyList<ITrial> Trials(Budget budget) =>
        (from side in new[] { "a", "b", "c", "d" } from seed in Enumerable.Range(0, SettingsFor(budget).Seeds)
         select (ITrial)new SeededTrial(Name, [new("Side", side)], seed, SettingsFor(budget))).ToArray();

    /// <summary>The value of a trial: a level shared by the seed (as initial weights would be) plus the side's effect.</summary>
    public static double Value(string side, int seed) => 0.1 * seed + side switch
    {
        "a" => 1 + 0.01 * (seed % 2),
        "c" => seed switch { 0 => 0.3, 1 => 0.2, _ => 0.25 },
        _ => 0,
    };

    /// <summary>Each trial alone: a fake trains no model.</summary>
    public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "a fake experiment trains no model");

    public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) =>
        trials.Select((t, i) => Run(t, contexts[i])).ToArray();

    private TrialOutcome Run(ITrial trial, TrialContext context)
    {
        Log("start", trial);
        Thread.Sleep(FakeExperiment.StepMilliseconds * FakeExperiment.Steps);
        context.Sink.Write(new Row(1, Value(trial.Parameters[0].Value, trial.Seed)));
        context.OnStep?.Invoke(1, 1);
        Log("end", trial);
        return TrialOutcome.Done(1);
    }

    private static void Log(string what, ITrial trial)
    {
        if (Environment.GetEnvironmentVariable("DECLARATIVE_FAKE_LOG") is { Length: > 0 } path)
            File.AppendAllText(path, $"{what} {trial.Id} {Environment.ProcessId} {trial.Parameters[0].Value} {trial.Seed.ToString(CultureInfo.InvariantCulture)}\n");
    }
}

public sealed record SeededTrial(string Experiment, IReadOnlyList<KeyValuePair<string, string>> Parameters, int Seed, ExperimentSettings Settings) : ITrial
{
    public string Id { get; } = TrialId.Compute(Experiment, Parameters, Seed, Settings);
}
