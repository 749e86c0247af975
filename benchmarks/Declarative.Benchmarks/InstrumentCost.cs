using System.Diagnostics;
using System.Globalization;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Benchmarks;

/// <summary>
/// The cost of each instrument relative to one plain training step of the 784-256-256-10 MLP at batch 128
/// on Fashion-MNIST (SGD, lr 0.05), and the slowdown of (a) the cheap set at every step and (b) every
/// instrument at a 1-in-16 cadence. Plain and instrumented blocks of steps alternate on the same loop (the
/// instruments' hook is connected only during instrumented blocks) so that load from other processes hits
/// both alike; every figure is a median over repeats.
/// </summary>
public static class InstrumentCost
{
    private const int BatchSize = 128;
    private const double LearningRate = 0.05;

    public static int Run(string[] args)
    {
        var folder = FashionMnist.ResolveFolder(Option(args, "--data"));
        var threads = int.Parse(Option(args, "--threads") ?? "2", CultureInfo.InvariantCulture);
        var repeats = int.Parse(Option(args, "--repeats") ?? "5", CultureInfo.InvariantCulture);
        var calls = int.Parse(Option(args, "--calls") ?? "3", CultureInfo.InvariantCulture);
        set_num_threads(threads);
        using var data = FashionMnist.Load(folder);
        Console.WriteLine($"# Instrument cost: 784-256-256-10 MLP, batch {BatchSize}, Fashion-MNIST ({data.TrainCount} train / {data.TestCount} test), {threads} threads, {repeats} repeats, {calls} calls per expensive instrument");
        Console.WriteLine($"# started {DateTime.UtcNow:u}, load average {LoadAverage()}");

        var options = new InstrumentOptions();
        Console.WriteLine($"# options: Examples {options.Examples}, Samples {options.Samples}, TopK {options.TopK}, AlphaPoints {options.AlphaPoints}, AscentSteps {options.AscentSteps}, Lanczos ≤ {Runtime.Instruments.Numerics.Lanczos.DefaultIterations(options.TopK, long.MaxValue)} products at tolerance {options.LanczosTolerance:G}");

        using (var session = new Session(data))
        {
            var plain = session.PlainStepSeconds(steps: 32, repeats: 2 * repeats);
            Console.WriteLine();
            Console.WriteLine($"Plain step: {plain * 1e3:F2} ms (median over {2 * repeats} blocks of 32 steps)");
        }

        var names = InstrumentCatalog.Scalars.Keys.Concat(InstrumentCatalog.Vectors.Keys).ToArray();
        if (!args.Contains("--totals-only") && !args.Contains("--light-only")) PerInstrument(data, names, repeats, calls);
        if (!args.Contains("--light-only")) Totals(data, names, repeats);
        Light(data, names, repeats);
        Console.WriteLine();
        Console.WriteLine($"# finished {DateTime.UtcNow:u}, load average {LoadAverage()}");
        return 0;
    }

    private static void PerInstrument(ClassificationData data, string[] names, int repeats, int calls)
    {
        Console.WriteLine();
        Console.WriteLine("| instrument | kind | ms per measurement | plain steps per measurement | method |");
        Console.WriteLine("|---|---|---:|---:|---|");
        foreach (var name in names)
        {
            using var session = new Session(data);
            var cheap = InstrumentCatalog.Cheap.Contains(name);
            double seconds, plain;
            string method;
            if (cheap)
            {
                plain = session.PlainStepSeconds(steps: 32, repeats: repeats);
                seconds = session.SelfTimed(name, steps: 64);
                method = "self-timed (ICostReporting, hook included), mean over 64 steps measured every step";
            }
            else
            {
                plain = session.PlainStepSeconds(steps: 16, repeats: repeats);
                seconds = session.MeasureCalls(name, calls);
                method = $"median of {calls} calls at successive steps, own context (nothing shared)";
            }
            var kind = InstrumentCatalog.Vectors.ContainsKey(name) ? "vector" : "scalar";
            Console.WriteLine($"| {name} | {kind} | {seconds * 1e3:F2} | {seconds / plain:F3} | {method} |");
        }

    }

    private static void Totals(ClassificationData data, string[] names, int repeats)
    {
        Console.WriteLine();
        Console.WriteLine("| configuration | plain ms/step | instrumented ms/step | slowdown | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        using (var session = new Session(data))
        {
            var (p, i) = session.Alternate(InstrumentCatalog.Cheap.ToArray(), Cadence.Every(1), steps: 64, repeats: repeats);
            Console.WriteLine($"| (a) cheap set ({string.Join(", ", InstrumentCatalog.Cheap)}) every step | {p * 1e3:F2} | {i * 1e3:F2} | {i / p:F3}x | ≤ 1.05x |");
        }
        using (var session = new Session(data))
        {
            var (p, i) = session.Alternate(names, Cadence.Every(16), steps: 32, repeats: repeats);
            Console.WriteLine($"| (b) all {names.Length} instruments, default options, every 16th step | {p * 1e3:F2} | {i * 1e3:F2} | {i / p:F3}x | ≤ 1.5x |");
        }
    }

    /// <summary>(c) what fits the budget: small options, and no evaluation over a whole train or test set.</summary>
    private static void Light(ClassificationData data, string[] names, int repeats)
    {
        string[] wholeSet = ["TrainLoss", "TrainAccuracy", "TestLoss", "TestAccuracy", "GeneralizationGap", "AccuracyGap"];
        var light = new InstrumentOptions { Examples = 128, Samples = 2, AscentSteps = 2, AlphaPoints = 5, LanczosIterations = 5 };
        var chosen = names.Except(wholeSet).ToArray();
        using var session = new Session(data);
        var (p, i) = session.Alternate(chosen, Cadence.Every(16), steps: 32, repeats: repeats, light);
        Console.WriteLine($"| (c) {chosen.Length} instruments (all but the 6 whole-set evaluations), Examples 128, Samples 2, AscentSteps 2, AlphaPoints 5, 5 Lanczos products, every 16th step | {p * 1e3:F2} | {i * 1e3:F2} | {i / p:F3}x | (b) ≤ 1.5x |");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>A fresh model, optimizer, loop and instrument context, warmed up to a step that is a multiple of 16.</summary>
    private sealed class Session : IDisposable
    {
        private readonly Mlp _model;
        private readonly StackedMlpEngine _engine;
        private readonly ClassificationLoop _loop;
        private readonly InstrumentContext _context;

        public Session(ClassificationData data)
        {
            manual_seed(1);
            _model = Mlp.Create(data.InputSize, [256, 256], data.ClassCount, CPU);
            // The engine a generated Run gives this trial (plain MLP, plain SGD): the one-member stacked step.
            _engine = StackedMlpEngine.Create([_model], [new Runtime.Optimizers.SgdMember()]);
            _loop = new ClassificationLoop(_engine, [new LoopMember(1, data, LearningRate)], BatchSize, epochs: 1000, TrainingOptions.Default);
            _context = new InstrumentContext(_model, data);
            Steps(32, null, null);
        }

        private void Steps(int n, IReadOnlyList<IDisposable>? instruments, Cadence? cadence)
        {
            for (var i = 0; i < n; i++)
            {
                _loop.Next();
                var state = _loop.State;
                if (instruments is null || !cadence!.IsDue(state.Step, state.IsEpochEnd, state.IsLast)) continue;
                foreach (var instrument in instruments) InstrumentCatalog.Measure(instrument, state);
            }
        }

        private double Time(Action action)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            return Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        public double PlainStepSeconds(int steps, int repeats) =>
            Median(Enumerable.Range(0, repeats).Select(_ => Time(() => Steps(steps, null, null)) / steps));

        /// <summary>Median seconds per step of plain and of instrumented blocks, alternating.</summary>
        public (double Plain, double Instrumented) Alternate(string[] names, Cadence cadence, int steps, int repeats, InstrumentOptions? light = null)
        {
            var options = (light ?? new InstrumentOptions()) with { Cadence = cadence };
            var instruments = names.Select(n => InstrumentCatalog.Create(n, _context, options)).ToList();
            try
            {
                var plain = new List<double>();
                var measured = new List<double>();
                for (var r = 0; r < repeats; r++)
                {
                    plain.Add(Time(() => Steps(steps, null, null)) / steps);
                    _loop.BeforeUpdate += _context.RaiseBeforeUpdate;
                    measured.Add(Time(() => Steps(steps, instruments, cadence)) / steps);
                    _loop.BeforeUpdate -= _context.RaiseBeforeUpdate;
                }
                return (Median(plain), Median(measured));
            }
            finally
            {
                foreach (var instrument in instruments) instrument.Dispose();
            }
        }

        /// <summary>Seconds per measurement as the instrument reports them itself (measure and hook), measured at every step.</summary>
        public double SelfTimed(string name, int steps)
        {
            using var instrument = InstrumentCatalog.Create(name, _context, new InstrumentOptions { Cadence = Cadence.Every(1) });
            _loop.BeforeUpdate += _context.RaiseBeforeUpdate;
            try
            {
                Steps(steps, [instrument], Cadence.Every(1));
                var cost = (ICostReporting)instrument;
                return cost.ElapsedSeconds / cost.Calls;
            }
            finally
            {
                _loop.BeforeUpdate -= _context.RaiseBeforeUpdate;
            }
        }

        /// <summary>Median seconds of one measurement (the loop steps once between measurements so nothing is cached).</summary>
        public double MeasureCalls(string name, int calls)
        {
            using var instrument = InstrumentCatalog.Create(name, _context, new InstrumentOptions { Cadence = Cadence.Every(1) });
            _loop.BeforeUpdate += _context.RaiseBeforeUpdate;
            try
            {
                var times = new List<double>();
                for (var c = 0; c < calls + 1; c++)
                {
                    _loop.Next();
                    var t = Time(() => InstrumentCatalog.Measure(instrument, _loop.State));
                    if (c > 0) times.Add(t); // the first call also builds the fixed subset
                }
                return Median(times);
            }
            finally
            {
                _loop.BeforeUpdate -= _context.RaiseBeforeUpdate;
            }
        }

        public void Dispose()
        {
            _context.Dispose();
            _loop.Dispose();
            _engine.Dispose();
            _model.Dispose();
        }
    }
}
