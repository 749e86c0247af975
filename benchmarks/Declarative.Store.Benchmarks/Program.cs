// Store cost per claimed trial: each of --claimants threads (one store connection each) claims a
// trial, sends one heartbeat and completes it with --rows metric rows, until none is left. Prints the
// median and 90th percentile of one claim+heartbeat+complete round trip, and trials per second in all.
//   dotnet run -c Release --project benchmarks/Declarative.Store.Benchmarks -- --store <sqlite file | postgres://...> [--trials 400] [--rows 100] [--claimants 1]
using System.Diagnostics;
using System.Globalization;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Store;

string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var location = Arg("--store", "");
if (location.Length == 0) { Console.Error.WriteLine("usage: --store <sqlite file | postgres://...> [--trials 400] [--rows 100] [--claimants 1]"); return 2; }
var trials = int.Parse(Arg("--trials", "400"), CultureInfo.InvariantCulture);
var rows = int.Parse(Arg("--rows", "100"), CultureInfo.InvariantCulture);
var claimants = int.Parse(Arg("--claimants", "1"), CultureInfo.InvariantCulture);

var experiment = new BenchExperiment(trials);
using (var setup = StoreFactory.Open(location))
{
    setup.EnsureExperiment(experiment);
    setup.AddTrials(experiment.Name, Budget.Smoke, experiment.Trials(Budget.Smoke));
}
var metricRows = Enumerable.Range(1, rows).Select(i => (IMetricRow)new BenchRow(i, 1.0 / i)).ToArray();
var times = new System.Collections.Concurrent.ConcurrentBag<double>();
var wall = Stopwatch.StartNew();
var threads = Enumerable.Range(0, claimants).Select(i => new Thread(() =>
{
    using var store = StoreFactory.Open(location);
    while (true)
    {
        var clock = Stopwatch.StartNew();
        var claim = store.Claim(experiment.Name, Budget.Smoke, $"bench/{i}", "bench", TimeSpan.FromMinutes(5));
        if (claim is null) break;
        store.Heartbeat(claim, 1, rows, 0.5);
        if (!store.Complete(experiment.Name, experiment.Schema, claim, TrialOutcome.Done(rows), metricRows, 0.1)) throw new InvalidOperationException("lost a claim");
        times.Add(clock.Elapsed.TotalMilliseconds);
    }
})).ToArray();
foreach (var t in threads) t.Start();
foreach (var t in threads) t.Join();
wall.Stop();
var sorted = times.OrderBy(t => t).ToArray();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{StoreFactory.Describe(location)}: {sorted.Length} trials, {rows} rows each, {claimants} claimant(s): median {sorted[sorted.Length / 2]:F2} ms, p90 {sorted[(int)(sorted.Length * 0.9)]:F2} ms per claim+heartbeat+complete; {sorted.Length / wall.Elapsed.TotalSeconds:F0} trials/s in all"));
return 0;

sealed record BenchTrial(string Id) : ITrial
{
    public int Seed => 0;
    public ExperimentSettings Settings { get; } = new(1, 1, 0, 0);
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; } = [new("Index", Id)];
}

sealed class BenchExperiment(int count) : IExperimentDefinition
{
    public string Name => "StoreBench";
    public string Summary => "";
    public string Declaration => "";
    public IReadOnlyList<string> Axes => ["Index"];
    public MetricSchema Schema { get; } = new([new MetricColumn("BatchLoss", "every step"), new MetricColumn("TestAccuracy", "every step")]);
    public IReadOnlyList<Declarative.Runtime.Claims.Claim> Claims => [];
    public ExperimentSettings SettingsFor(Budget budget) => new(1, 1, 0, 0);
    public IReadOnlyList<ITrial> Trials(Budget budget) => Enumerable.Range(0, count).Select(i => (ITrial)new BenchTrial(i.ToString("D6", CultureInfo.InvariantCulture))).ToArray();
    public IReadOnlyList<TrialGroup> Plan(IReadOnlyList<ITrial> trials) => TrialGroup.EachAlone(trials, "trains no model");
    public IReadOnlyList<TrialOutcome> Run(IReadOnlyList<ITrial> trials, IReadOnlyList<TrialContext> contexts) => trials.Select(_ => TrialOutcome.Done(0)).ToArray();
}

sealed record BenchRow(long Step, double Loss) : IMetricRow
{
    public int Epoch => 0;
    public double? GetValue(int column) => column == 0 ? Loss : 1 - Loss;
}
