using Declarative.Runtime.Experiments;

namespace Declarative.EndToEnd.Fakes;

/// <summary>
/// A sweep over one axis whose trials write one row per step and sleep between steps; no tensors.
/// Each trial appends "start|end {id} {pid}" to the file named by DECLARATIVE_FAKE_LOG, so tests can
/// see which process ran what.
/// </summary>
public abstract class FakeExperiment : IExperimentDefinition
{
    public abstract string Name { get; }
    public string Summary => "A fake experiment for the runner's tests.";
    public string Declaration => "[Experiment] (fake)";
    public abstract IReadOnlyList<string> Axes { get; }
    public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step"), new MetricColumn("Step2", "every step")]);
    public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
    public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
    protected abstract IEnumerable<string> Values { get; }

    public IReadOnlyList<ITrial> Trials(Budget budget) =>
        Values.Select(v => (ITrial)new FakeTrial(Name, [new(Axes[0], v)], SettingsFor(budget))).ToArray();

    public static int Steps => int.Parse(Environment.GetEnvironmentVariable("DECLARATIVE_FAKE_STEPS") ?? "8");
    public static int StepMilliseconds => int.Parse(Environment.GetEnvironmentVariable("DECLARATIVE_FAKE_STEP_MS") ?? "50");

    /// <summary>Each trial alone: a fake trains no model.</summary>
    public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "a fake experiment trains no model");

    public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) =>
        trials.Select((t, i) => Run(t, contexts[i])).ToArray();

    private TrialOutcome Run(ITrial trial, TrialContext context)
    {
        Log("start", trial);
        var outcome = Train(trial, context);
        Log("end", trial);
        return outcome;
    }

    protected virtual TrialOutcome Train(ITrial trial, TrialContext context)
    {
        for (var step = 1; step <= Steps; step++)
        {
            Thread.Sleep(StepMilliseconds);
            context.Sink.Write(new FakeRow(step, 1.0 / step, step * 2.0));
            context.OnStep?.Invoke(step, Steps);
        }
        return TrialOutcome.Done(Steps);
    }

    private static void Log(string what, ITrial trial)
    {
        if (Environment.GetEnvironmentVariable("DECLARATIVE_FAKE_LOG") is { Length: > 0 } path)
            File.AppendAllText(path, $"{what} {trial.Id} {Environment.ProcessId}\n");
    }
}

public sealed record FakeTrial(string Experiment, IReadOnlyList<KeyValuePair<string, string>> Parameters, ExperimentSettings Settings) : ITrial
{
    public string Id { get; } = TrialId.Compute(Experiment, Parameters, 0, Settings);
    public int Seed => 0;
}

public sealed record FakeRow(long Step, double Loss, double Twice) : IMetricRow
{
    public int Epoch => 0;
    public double? GetValue(int column) => column == 0 ? Loss : Twice;
}

/// <summary>Well-behaved trials: <c>Index</c> = 0 … DECLARATIVE_FAKE_TRIALS-1 (default 6).</summary>
public sealed class Steady : FakeExperiment
{
    public override string Name => "Steady";
    public override IReadOnlyList<string> Axes => ["Index"];
    protected override IEnumerable<string> Values =>
        Enumerable.Range(0, int.Parse(Environment.GetEnvironmentVariable("DECLARATIVE_FAKE_TRIALS") ?? "6")).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>One trial per way to end: ok, abort (the process dies as in a native error), nan (diverges), hang, throw.</summary>
public sealed class Mixed : FakeExperiment
{
    public override string Name => "Mixed";
    public override IReadOnlyList<string> Axes => ["Mode"];
    protected override IEnumerable<string> Values => ["ok", "abort", "nan", "hang", "throw", "ok2"];

    protected override TrialOutcome Train(ITrial trial, TrialContext context)
    {
        switch (trial.Parameters[0].Value)
        {
            case "abort":
                context.Sink.Write(new FakeRow(1, 1, 2));
                Environment.FailFast("fake native abort in trial " + trial.Id);
                break;
            case "nan":
                context.Sink.Write(new FakeRow(1, 1, 2));
                context.Sink.Write(new FakeRow(2, 0.5, 4));
                context.Sink.Write(new FakeRow(3, double.NaN, 6));
                return TrialOutcome.Diverged(3, double.NaN);
            case "hang":
                Thread.Sleep(Timeout.Infinite);
                break;
            case "throw":
                throw new InvalidOperationException("fake trial error");
        }
        return base.Train(trial, context);
    }
}
