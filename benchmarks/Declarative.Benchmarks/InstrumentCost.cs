using System.Diagnostics;
using System.Globalization;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Benchmarks;

/// <summary>
/// The cost of the instruments against plain training of the 784-256-256-10 MLP at batch 128 on Fashion-MNIST (SGD,
/// lr 0.05, the one-member stacked engine a generated Run gives this trial). The modes, each printing a markdown table:
/// <list type="bullet">
/// <item><c>cheap</c> (a): the cheap set (<see cref="InstrumentCatalog.Cheap"/>: batch loss and accuracy, mini-batch
/// gradient norm, update norm, distance from init, plus lr/B and relative distance) every step vs plain training;</item>
/// <item><c>cockpit</c> (b): every instrument at 1 in 16 on Cockpit's terms (the full-batch instruments on a batch-sized
/// subset, Lanczos to relative tolerance 1e-3, 4 Hutchinson probes and 4 noise batches) vs plain training; the six
/// whole-set evaluations (train/test loss and accuracy, the gaps), which Cockpit does not run, are left out; beside it the
/// set's pass-count floor (each shared pass counted once) and the slowdown that floor allows at best;</item>
/// <item><c>cockpit-floor</c>: the table of (c) on Cockpit's terms, to show which instruments' time is above their passes
/// when the subset is batch-sized;</item>
/// <item><c>floor</c> (c): each instrument at default options, the median time of one measurement against its pass-count
/// floor: its forward, backward and Hessian-vector passes (counted from its options and, for Lanczos, from the products
/// the run reports) times the cost of one such pass measured in the same run on the same model;</item>
/// <item><c>lanczos</c> (d): warm- vs cold-started Lanczos (<see cref="InstrumentOptions.LanczosWarmStart"/>) at the same
/// steps and a fixed tolerance: Hessian-vector products and the eigenvalues they give;</item>
/// <item><c>pack</c> (e): the Hessian instruments of a pack of <c>--members</c> stacked members at once against the same
/// trials each alone.</item>
/// </list>
/// Cost timing lives here, outside the instruments: what an instrument adds to a step is the step with it (its
/// measurement, its hook, the engine's step norms) minus a plain step measured beside it. Plain and instrumented
/// blocks of steps alternate on the same loop so that load from other processes hits both alike; figures are medians.
/// <code>
/// dotnet run -c Release --project benchmarks/Declarative.Benchmarks -- instruments \
///     [--data &lt;fashion-mnist folder&gt;] [--modes cheap,cheap-parts,cockpit,cockpit-floor,floor,lanczos] [--threads 2] [--repeats 5] [--steps 64]
///     [--calls 3] [--lanczos-calls 8] [--tolerance 1e-4] [--top-k 1] [--instruments Name,Name] [--members 8]
/// </code>
/// A quick correctness run: <c>-- instruments --repeats 1 --steps 16 --calls 1 --lanczos-calls 2</c>.
/// </summary>
public static class InstrumentCost
{
    private const int BatchSize = 128;
    private const double LearningRate = 0.05;

    /// <summary>Cockpit's terms: the full-batch instruments on a batch-sized subset, 4 Hutchinson probes and noise batches, Lanczos to 1e-3.</summary>
    private static readonly InstrumentOptions CockpitOptions = new() { Examples = BatchSize, Samples = 4, LanczosTolerance = 1e-3 };

    /// <summary>The instruments that share one Lanczos run a step, and the three that share one ε-sharpness maximisation.</summary>
    private static readonly string[] LanczosSet = [nameof(HessianTopEigenvalues), nameof(HessianLanczosProducts), nameof(LossAlongTopEigenvector)];
    private static readonly string[] SharpnessSet = [nameof(EpsilonSharpness), nameof(EpsilonSharpnessError), nameof(EpsilonSharpnessSteps)];

    private static readonly string[] WholeSet = ["TrainLoss", "TrainAccuracy", "TestLoss", "TestAccuracy", "GeneralizationGap", "AccuracyGap"];

    public static int Run(string[] args)
    {
        var folder = FashionMnist.ResolveFolder(Option(args, "--data"));
        var threads = Int(args, "--threads", 2);
        var repeats = Int(args, "--repeats", 5);
        var steps = Int(args, "--steps", 64);
        var calls = Int(args, "--calls", 3);
        var lanczosCalls = Int(args, "--lanczos-calls", 8);
        var tolerance = double.Parse(Option(args, "--tolerance") ?? Lanczos.DefaultTolerance.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var topK = Int(args, "--top-k", 1);
        var modes = (Option(args, "--modes") ?? "cheap,cockpit,floor,lanczos").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var names = Option(args, "--instruments")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            ?? [.. InstrumentCatalog.Scalars.Keys, .. InstrumentCatalog.Vectors.Keys];
        set_num_threads(threads);
        using var data = FashionMnist.Load(folder);
        // The flipped-label instruments need label noise, which the benchmark's data has not: they are left out.
        names = names.Where(n => data.FlippedMask is not null || !n.StartsWith("FlippedLabel", StringComparison.Ordinal)).ToArray();
        Console.WriteLine($"# Instrument cost: 784-256-256-10 MLP, batch {BatchSize}, Fashion-MNIST ({data.TrainCount} train / {data.TestCount} test), {threads} threads, {repeats} repeats, blocks of {steps} steps, {calls} calls per expensive instrument");
        Console.WriteLine($"# started {DateTime.UtcNow:u}, load average {LoadAverage()}");
        var loadBefore = LoadAverage();
        Targets.Clear();

        foreach (var mode in modes)
        {
            Console.WriteLine();
            switch (mode)
            {
                case "cheap": Cheap(data, repeats, steps, [.. InstrumentCatalog.Cheap]); break;
                case "cheap-parts":
                    // The cheap set's cost split by instrument groups, each against plain blocks beside it.
                    foreach (var part in CheapParts) Cheap(data, repeats, steps, part);
                    break;
                case "cockpit": Cockpit(data, names, repeats, steps); break;
                case "floor": Floor(data, names, repeats, calls, new InstrumentOptions()); break;
                case "cockpit-floor": Floor(data, names.Except(WholeSet).ToArray(), repeats, calls, CockpitOptions); break;
                case "lanczos": WarmAgainstCold(data, lanczosCalls, tolerance, topK); break;
                case "pack": PackAgainstAlone(folder, Int(args, "--members", 8), calls, topK); break;
                default:
                    Console.Error.WriteLine($"Unknown mode '{mode}': cheap, cheap-parts, cockpit, cockpit-floor, floor, lanczos or pack.");
                    return 2;
            }
        }
        Console.WriteLine();
        Console.WriteLine($"# finished {DateTime.UtcNow:u}, load average {LoadAverage()}");
        if (Option(args, "--summary-into") is { } summary)
            WriteSummary(summary, $"dotnet benchmarks/Declarative.Benchmarks/bin/Release/net10.0/Declarative.Benchmarks.dll instruments {string.Join(' ', args.TakeWhile(a => a != "--summary-into"))}", loadBefore, LoadAverage());
        return 0;
    }

    /// <summary>This run's figure for each issue-16 target it measured: (target, measured, bound, met).</summary>
    private static readonly List<(string Target, string Measured, string Bound, bool Met)> Targets = [];

    public const string SummaryBegin = "<!-- instrument-cost:begin (written by benchmarks/Declarative.Benchmarks instruments --summary-into) -->";
    public const string SummaryEnd = "<!-- instrument-cost:end -->";

    /// <summary>Replaces the text between the summary markers of <paramref name="path"/> with this run's targets table.</summary>
    private static void WriteSummary(string path, string command, string loadBefore, string loadAfter)
    {
        var text = File.ReadAllText(path);
        var begin = text.IndexOf(SummaryBegin, StringComparison.Ordinal);
        var end = text.IndexOf(SummaryEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin)
        {
            Console.Error.WriteLine($"{path} has no '{SummaryBegin}' ... '{SummaryEnd}' block to write the summary into: add the two lines where it should go.");
            return;
        }
        var s = new System.Text.StringBuilder();
        s.AppendLine(SummaryBegin);
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine($"One run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores; load average before `{loadBefore}`, after `{loadAfter}`.");
        s.AppendLine();
        s.AppendLine("| issue 16 target | measured | target | verdict |");
        s.AppendLine("|---|---|---|---|");
        foreach (var t in Targets) s.AppendLine($"| {t.Target} | {t.Measured} | {t.Bound} | {(t.Met ? "met" : "**missed**")} |");
        s.AppendLine();
        File.WriteAllText(path, text[..begin] + s + text[end..]);
        Console.WriteLine($"# summary written into {path}");
    }

    private static readonly string[][] CheapParts =
    [
        [nameof(BatchLoss), nameof(BatchAccuracy), nameof(LearningRateOverBatchSize)],
        [nameof(BatchGradientNorm)],
        [nameof(UpdateNorm)],
        [nameof(BatchGradientNorm), nameof(UpdateNorm)],
        [nameof(DistanceFromInit), nameof(RelativeDistanceFromInit)],
    ];

    /// <summary>(a) The cheap set (or <paramref name="names"/>) every step against plain training.</summary>
    private static void Cheap(ClassificationData data, int repeats, int steps, string[] names)
    {
        using var session = new Session(data);
        var (plain, measured) = session.Alternate(names, new InstrumentOptions(), Cadence.Every(1), steps, repeats);
        Console.WriteLine("| (a) configuration | plain ms/step | instrumented ms/step | slowdown | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        Console.WriteLine($"| {(names.SequenceEqual(InstrumentCatalog.Cheap) ? "cheap set" : "part of the cheap set")} ({string.Join(", ", names)}) every step | {plain * 1e3:F2} | {measured * 1e3:F2} | {measured / plain:F3}x | ≤ 1.05x |");
        if (names.SequenceEqual(InstrumentCatalog.Cheap))
            Targets.Add(("cheap instrument set every step (784-256-256-10 MLP, batch 128, one-member stacked engine)", $"{measured * 1e3:F2} / {plain * 1e3:F2} ms a step = {measured / plain:F2}x", "≤ 1.05x", measured / plain <= 1.05));
    }

    /// <summary>
    /// (b) Every instrument but the whole-set evaluations at 1 in 16, on Cockpit's terms, and the set's pass-count floor: the
    /// passes its instruments need at least (each shared pass counted once: one gradient graph, one Lanczos run, one
    /// interpolation profile, one ε-sharpness ascent, one set of noise batches, one forward pass for the subset's loss and
    /// accuracy) times the measured cost of one pass of each kind, over the Lanczos products and ascent passes each measured
    /// step took. The floor says which slowdown these passes allow at best on this machine.
    /// </summary>
    private static void Cockpit(ClassificationData data, string[] names, int repeats, int steps)
    {
        var options = CockpitOptions;
        var chosen = names.Except(WholeSet).ToArray();
        using var session = new Session(data);
        var all = Measure(chosen);
        Console.WriteLine("| (b) configuration | plain ms/step | instrumented ms/step | slowdown | pass-count floor of the set, ms a measurement | the slowdown it allows | time / floor | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {chosen.Length} instruments (all but the {WholeSet.Length} whole-set evaluations) every 16th step: Examples {options.FullBatchExamples} (a batch), 4 Hutchinson probes and noise batches, Lanczos to 1e-3 | {all.Plain * 1e3:F2} | {all.Measured * 1e3:F2} | {all.Measured / all.Plain:F3}x | {all.Floor * 1e3:F1} ({all.Passes}) | {all.Best:F2}x | {all.OverFloor:F2} | ≤ 3x |");
        // Cockpit has no ε-sharpness, whose ascent runs to its tolerance (up to AscentSteps forward-backward passes): the same set
        // without it compares like with like with Cockpit's 9.7x (a second figure beside the target's, not instead of it).
        var likeCockpit = chosen.Where(n => !n.StartsWith("EpsilonSharpness", StringComparison.Ordinal)).ToArray();
        var like = Measure(likeCockpit);
        Console.WriteLine($"| the same without the {chosen.Length - likeCockpit.Length} ε-sharpness instruments (Cockpit has none): {likeCockpit.Length} instruments | {like.Plain * 1e3:F2} | {like.Measured * 1e3:F2} | {like.Measured / like.Plain:F3}x | {like.Floor * 1e3:F1} | {like.Best:F2}x | {like.OverFloor:F2} | |");
        Console.WriteLine();
        Console.WriteLine($"One pass over {BatchSize} examples of the fixed subset: F {session.PassSeconds(PassKind.F, BatchSize) * 1e3:F2} ms, FB {session.PassSeconds(PassKind.FB, BatchSize) * 1e3:F2} ms, G {session.PassSeconds(PassKind.G, BatchSize) * 1e3:F2} ms, H {session.PassSeconds(PassKind.H, BatchSize) * 1e3:F2} ms; plain step {all.Plain * 1e3:F2} ms.");
        Targets.Add(($"the full set at 1 in 16 on Cockpit's terms ({chosen.Length} instruments; Cockpit's own figure 9.7x)",
            $"{all.Measured * 1e3:F2} / {all.Plain * 1e3:F2} ms a step = {all.Measured / all.Plain:F2}x (the set's pass-count floor allows {all.Best:F2}x at best; time / floor {all.OverFloor:F2}); without the ε-sharpness instruments, which Cockpit does not have, {like.Measured / like.Plain:F2}x (floor {like.Best:F2}x)",
            "≤ 3x", all.Measured / all.Plain <= 3));

        // One set at 1 in 16 against plain blocks, and its pass-count floor over the Lanczos products and ascent passes of its
        // measured steps (median); Best is the slowdown the floor allows, OverFloor the set's time per measurement over it.
        (double Plain, double Measured, double Floor, string Passes, double Best, double OverFloor) Measure(string[] set)
        {
            var due = new List<(int Products, int Ascent)>();
            var (plain, measured) = session.Alternate(set, options, Cadence.Every(16), Math.Max(16, steps / 16 * 16), repeats, (context, state) => due.Add(Counts(set, context, options, state)));
            var floor = Median(due.Select(d => SetPasses(set, options, d.Products, d.Ascent).Sum(p => p.Count * session.PassSeconds(p.Kind, p.Examples))));
            var typical = SetPasses(set, options, (int)Math.Round(Median(due.Select(d => (double)d.Products))), (int)Math.Round(Median(due.Select(d => (double)d.Ascent))));
            return (plain, measured, floor, string.Join(" + ", typical.Select(p => $"{p.Count}×{p.Kind}({p.Examples})")), (16 * plain + floor) / (16 * plain), (measured - plain) * 16 / floor);
        }

        // The step's cached Lanczos run and maximisation (shared by the instruments that were just measured: their keys hold no cadence).
        static (int, int) Counts(string[] set, InstrumentContext context, InstrumentOptions options, TrainingState state) =>
            (set.Any(LanczosSet.Contains) ? HessianSpectrum.For(context, options).Measure(state).Products : 0,
             set.Any(SharpnessSet.Contains) ? SharpnessMaximisation.For(context, options).Measure(state).Passes : 0);
    }

    /// <summary>
    /// The passes a set of instruments due at one step needs at least, each shared computation counted once (see
    /// <see cref="Cockpit"/>), with <paramref name="products"/> Lanczos products and <paramref name="ascent"/> ε-sharpness passes.
    /// </summary>
    private static List<Pass> SetPasses(string[] set, InstrumentOptions o, int products, int ascent)
    {
        bool Any(params string[] wanted) => set.Any(wanted.Contains);
        var lanczos = Any(LanczosSet);
        var passes = new List<Pass>();
        long n = o.FullBatchExamples;
        // One gradient graph serves the gradient norm and every Hessian instrument.
        if (lanczos || Any(nameof(HessianTrace), nameof(GradientNorm))) passes.Add(new(PassKind.G, n, 1));
        var h = (lanczos ? products : 0) + (Any(nameof(HessianTrace)) ? Math.Max(1, o.Samples) : 0);
        if (h > 0) passes.Add(new(PassKind.H, n, h));
        var f = (Any(nameof(InterpolationProfile), nameof(InterpolationMinimum), nameof(InterpolationHeight)) ? o.AlphaPoints : 0)
            + (Any(nameof(LossAlongTopEigenvector)) ? o.AlphaPoints : 0)
            + (Any(nameof(SubsetLoss), nameof(SubsetAccuracy)) ? 1 : 0);
        if (f > 0) passes.Add(new(PassKind.F, n, f));
        if (Any(nameof(GradientVariance), nameof(GradientNoiseScale))) passes.Add(new(PassKind.FB, BatchSize, Math.Max(2, o.Samples)));
        if (ascent > 0) passes.Add(new(PassKind.FB, o.SharpnessExamples, ascent));
        return passes;
    }

    /// <summary>(c) Each instrument at default options against its pass-count floor.</summary>
    private static void Floor(ClassificationData data, string[] names, int repeats, int calls, InstrumentOptions options)
    {
        var cockpit = options == CockpitOptions;
        using (var session = new Session(data))
        {
            var plain = session.PlainStepSeconds(32, 2 * repeats);
            Console.WriteLine($"Plain step: {plain * 1e3:F2} ms (median over {2 * repeats} blocks of 32 steps)");
        }
        Console.WriteLine($"{(cockpit ? "Cockpit's options" : "Default options")}: Examples {options.FullBatchExamples} ({options.SharpnessExamples} for ε-sharpness), Samples {options.Samples}, TopK {options.TopK}, AlphaPoints {options.AlphaPoints}, AscentSteps ≤ {options.AscentSteps} to tolerance {options.AscentTolerance:G}, Lanczos ≤ {Lanczos.DefaultIterations(options.TopK, long.MaxValue)} products at tolerance {options.LanczosTolerance:G}, warm start {options.LanczosWarmStart}");
        Console.WriteLine();
        Console.WriteLine("| (c) instrument | ms per measurement | passes (F forward, FB forward-backward, G graph-building forward-backward, H Hessian-vector product; n examples) | floor ms | time / floor | plain steps per measurement |");
        Console.WriteLine("|---|---:|---|---:|---:|---:|");
        var ratios = new List<(string Name, double Ratio)>();
        foreach (var name in names)
        {
            using var session = new Session(data);
            var plain = session.PlainStepSeconds(16, repeats);
            var cheap = InstrumentCatalog.Cheap.Contains(name);
            // Each call against its own floor, measured right after it: Lanczos and the ε-sharpness ascent take a different number of
            // products per call, and this virtual machine's speed drifts within a run by more than the differences measured here.
            double FloorOf(int products) => Passes(name, options, data, products).Sum(p => p.Count * session.PassSeconds(p.Kind, p.Examples, fresh: true));
            var measured = cheap ? [(session.EveryStep(name, options, 64), 0, 0.0)] : session.MeasureCalls(name, options, calls, FloorOf);
            var floors = measured.Select(m => m.Floor).ToArray();
            var seconds = Median(measured.Select(m => m.Seconds));
            var floor = Median(floors);
            var passes = Passes(name, options, data, measured[^1].Products);
            var counts = measured.Select(m => m.Products).Distinct().Count() > 1 ? $" (products per call: {string.Join(", ", measured.Select(m => m.Products))})" : "";
            var described = passes.Count == 0 ? "none (reads the step's own results or the weights)" : string.Join(" + ", passes.Select(p => $"{p.Count}×{p.Kind}({p.Examples})")) + counts;
            var ratio = floors.All(f => f > 0) ? $"{Median(measured.Select(m => m.Seconds / m.Floor)):F2}" : "—";
            if (floors.All(f => f > 0)) ratios.Add((name, Median(measured.Select(m => m.Seconds / m.Floor))));
            Console.WriteLine($"| {name} | {seconds * 1e3:F3} | {described} | {floor * 1e3:F3} | {ratio} | {seconds / plain:F3} |");
        }
        var missed = ratios.Where(r => r.Ratio > 1.3).ToArray();
        if (ratios.Count > 0 && !cockpit) // the target is at default options; on Cockpit's terms the table shows where the set's time goes
            Targets.Add(("each instrument at default options within 1.3x of its pass-count floor",
                $"{ratios.Count - missed.Length} of {ratios.Count} met" + (missed.Length > 0 ? $"; over: {string.Join(", ", missed.Select(m => $"{m.Name} {m.Ratio:F2}"))}" : "") + $" (the largest {ratios.Max(r => r.Ratio):F2})",
                "≤ 1.3x each", missed.Length == 0));
    }

    /// <summary>(d) Warm- against cold-started Lanczos at the same steps and tolerance (no product cap that either reaches).</summary>
    private static void WarmAgainstCold(ClassificationData data, int calls, double tolerance, int topK)
    {
        var options = new InstrumentOptions { TopK = topK, LanczosTolerance = tolerance, LanczosIterations = 400 };
        using var session = new Session(data);
        var rows = session.Spectra(options, calls, every: 16);
        Console.WriteLine($"| (d) step | cold products | warm products | cold λ1..λ{topK} | warm λ1..λ{topK} | largest relative difference | both within tolerance {tolerance:G} |");
        Console.WriteLine("|---:|---:|---:|---|---|---:|---|");
        foreach (var row in rows)
        {
            var difference = row.Cold.Values.Zip(row.Warm.Values, (c, w) => Math.Abs(c - w) / Math.Max(Math.Abs(c), 1e-300)).Max();
            Console.WriteLine($"| {row.Step} | {row.Cold.Products} | {row.Warm.Products} | {Format(row.Cold.Values)} | {Format(row.Warm.Values)} | {difference:E1} | {(row.Cold.Converged && row.Warm.Converged ? "yes" : "no")} |");
        }
        var later = rows.Skip(1).ToArray();
        if (later.Length > 0)
        {
            Console.WriteLine($"| after the first | {later.Sum(r => r.Cold.Products)} | {later.Sum(r => r.Warm.Products)} | | | | warm/cold {(double)later.Sum(r => r.Warm.Products) / later.Sum(r => r.Cold.Products):F2} |");
            var largest = later.Max(r => r.Cold.Values.Zip(r.Warm.Values, (c, w) => Math.Abs(c - w) / Math.Max(Math.Abs(c), 1e-300)).Max());
            var same = later.All(r => r.Cold.Converged && r.Warm.Converged);
            Targets.Add(($"warm-started Lanczos reaches the tolerance ({tolerance:G}) in fewer products than a cold start",
                $"{later.Sum(r => r.Warm.Products)} against {later.Sum(r => r.Cold.Products)} products over {later.Length} calls after the first; eigenvalues equal to {largest:E0}" + (same ? "" : "; not every run reached the tolerance"),
                "fewer, same eigenvalues", later.Sum(r => r.Warm.Products) < later.Sum(r => r.Cold.Products) && same));
        }
    }

    /// <summary>
    /// (e) The Hessian instruments of a pack (<c>HessianTopEigenvalues</c> with <paramref name="topK"/>, <c>HessianTrace</c>,
    /// <c>GradientNorm</c>, default options: 1,024 examples, Lanczos to 1e-4 warm-started) measured for K stacked members at
    /// once (one gradient graph for the pack, lockstep Lanczos, batched Hutchinson) against the same K trials each alone (a
    /// pack of one each), at the same steps, each trial alone given its member's weights first. Per measured step: seconds for
    /// all K members each way, and the largest relative difference of their values.
    /// </summary>
    private static void PackAgainstAlone(string folder, int members, int calls, int topK)
    {
        using var catalog = new DataCatalog(folder);
        var context = new TrialContext(CPU, catalog, new BufferedMetricSink());
        var specs = Enumerable.Range(0, members).Select(seed => new Runtime.Experiments.Specs.TrialSpec
        {
            Seed = seed,
            Settings = new ExperimentSettings(Epochs: 1, Seeds: members, TrainSubset: 0, TestSubset: 0),
            Data = new Runtime.Experiments.Specs.DataSpec(Runtime.Experiments.Specs.DataSetKind.FashionMnist),
            Model = new Runtime.Experiments.Specs.ModelSpec(Runtime.Experiments.Specs.ModelKind.Mlp) { Sizes = [256, 256] },
            Optimizer = new Runtime.Experiments.Specs.OptimizerSpec { Kind = Declarative.OptimizerKind.Sgd, LearningRate = LearningRate, BatchSize = BatchSize },
        }).ToArray();
        var options = new InstrumentOptions { TopK = topK };
        using var pack = TrialSetup.Create(specs, context);
        var alone = specs.Select(s => TrialSetup.Create(s, context)).ToArray();
        var packed = pack.MemberInstruments.Select(c => Hessian(c, options)).ToArray();
        var single = alone.Select(a => Hessian(a.MemberInstruments[0], options)).ToArray();
        Console.WriteLine($"| (e) step | {members} members packed, s | {members} trials alone, s | alone/packed | largest relative difference |");
        Console.WriteLine("|---:|---:|---:|---:|---:|");
        var ratios = new List<double>();
        try
        {
            for (var call = 0; call < calls; call++)
            {
                for (var step = 0; step < 16; step++)
                {
                    pack.Loop.Next();
                    foreach (var a in alone) a.Loop.Next();
                }
                // The trials alone follow the members' trajectories only up to float rounding (batched against single products),
                // which SGD amplifies: each starts the measured step from its member's weights, so the values compare.
                for (var m = 0; m < members; m++) CopyWeights(pack.Loop.Member(m).Model, alone[m].Loop.Member(0).Model);
                var fromPack = new double[members][];
                var fromAlone = new double[members][];
                // Alternating which goes first, so that neither always runs on the caches the other left.
                double packSeconds = 0, aloneSeconds = 0;
                void Packed() => packSeconds = Time(() => { for (var m = 0; m < members; m++) fromPack[m] = Measure(packed[m], pack.Loop.Member(m)); });
                void Alone() => aloneSeconds = Time(() => { for (var m = 0; m < members; m++) fromAlone[m] = Measure(single[m], alone[m].Loop.Member(0)); });
                if (call % 2 == 0) { Packed(); Alone(); } else { Alone(); Packed(); }
                var difference = fromPack.Zip(fromAlone, (a, b) => a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(Math.Abs(y), 1e-300)).Max()).Max();
                if (call > 0) ratios.Add(aloneSeconds / packSeconds);
                Console.WriteLine($"| {pack.Loop.State.Step} | {packSeconds:F2} | {aloneSeconds:F2} | {aloneSeconds / packSeconds:F2} | {difference:E1} |");
            }
            if (ratios.Count > 0) Console.WriteLine($"| median after the first (cold) call | | | {Median(ratios):F2} | |");
        }
        finally
        {
            foreach (var set in packed.Concat(single)) foreach (var i in set) i.Dispose();
            foreach (var a in alone) a.Dispose();
        }

        static void CopyWeights(nn.Module<Tensor, Tensor> from, nn.Module<Tensor, Tensor> to)
        {
            using var noGrad = no_grad();
            foreach (var (source, target) in from.parameters().Zip(to.parameters())) target.copy_(source);
            foreach (var (source, target) in from.buffers().Zip(to.buffers())) target.copy_(source);
        }

        static IDisposable[] Hessian(InstrumentContext c, InstrumentOptions o) =>
            [.. new[] { nameof(HessianTopEigenvalues), nameof(HessianTrace), nameof(GradientNorm) }.Select(name => InstrumentCatalog.Create(name, c, o))];

        static double[] Measure(IDisposable[] instruments, TrainingState state) => [.. instruments.SelectMany(i => InstrumentCatalog.Measure(i, state))];
    }

    private static string Format(double[] values) => string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));

    internal enum PassKind { F, FB, G, H }

    internal sealed record Pass(PassKind Kind, long Examples, int Count);

    /// <summary>The passes an instrument needs at least, from its options (and, for Lanczos, the products its run reported).</summary>
    private static List<Pass> Passes(string name, InstrumentOptions o, ClassificationData data, int products)
    {
        long subset = Math.Min(o.FullBatchExamples, data.TrainCount), sharpness = Math.Min(o.SharpnessExamples, data.TrainCount);
        long train = data.TrainCount, test = data.TestCount;
        return name switch
        {
            "TrainLoss" or "TrainAccuracy" => [new(PassKind.F, train, 1)],
            "TestLoss" or "TestAccuracy" => [new(PassKind.F, test, 1)],
            "GeneralizationGap" or "AccuracyGap" => [new(PassKind.F, train, 1), new(PassKind.F, test, 1)],
            "SubsetLoss" or "SubsetAccuracy" => [new(PassKind.F, subset, 1)],
            "GradientNorm" => [new(PassKind.FB, subset, 1)],
            "GradientVariance" or "GradientNoiseScale" => [new(PassKind.FB, BatchSize, Math.Max(2, o.Samples))],
            "HessianTrace" => [new(PassKind.G, subset, 1), new(PassKind.H, subset, Math.Max(1, o.Samples))],
            "HessianTopEigenvalues" or "HessianLanczosProducts" => [new(PassKind.G, subset, 1), new(PassKind.H, subset, products)],
            "LossAlongTopEigenvector" => [new(PassKind.G, subset, 1), new(PassKind.H, subset, products), new(PassKind.F, subset, o.AlphaPoints)],
            "InterpolationProfile" or "InterpolationMinimum" or "InterpolationHeight" => [new(PassKind.F, subset, o.AlphaPoints)],
            "EpsilonSharpness" or "EpsilonSharpnessError" or "EpsilonSharpnessSteps" => [new(PassKind.FB, sharpness, products)], // passes of the run
            _ => [],
        };
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

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

    private static double Time(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    internal sealed record Spectrum(int Products, double[] Values, bool Converged);

    internal sealed record SpectrumRow(long Step, Spectrum Cold, Spectrum Warm);

    /// <summary>A fresh model, engine, loop and instrument context, warmed up to a step that is a multiple of 16.</summary>
    private sealed class Session : IDisposable
    {
        private readonly ClassificationData _data;
        private readonly Mlp _model;
        private readonly StackedMlpEngine _engine;
        private readonly ClassificationLoop _loop;
        private readonly InstrumentContext _context;
        private readonly Dictionary<(PassKind, long), double> _passes = [];

        public Session(ClassificationData data)
        {
            _data = data;
            manual_seed(1);
            _model = Mlp.Create(data.InputSize, [256, 256], data.ClassCount, CPU);
            _engine = StackedMlpEngine.Create([_model], [new Runtime.Optimizers.SgdMember()]);
            _loop = new ClassificationLoop(_engine, [new LoopMember(1, data, LearningRate)], BatchSize, epochs: 1000, TrainingOptions.Default);
            _context = new InstrumentContext(_model, data);
            _context.Connect(_loop); // as TrialSetup does: the loop asks the context which steps need hooks or norms
            Steps(32, null, null);
        }

        private void Steps(int n, IReadOnlyList<IDisposable>? instruments, Cadence? cadence, Action<InstrumentContext, TrainingState>? afterDue = null)
        {
            for (var i = 0; i < n; i++)
            {
                _loop.Next();
                var state = _loop.State;
                if (instruments is null || !cadence!.IsDue(state.Step, state.IsEpochEnd, state.IsLast)) continue;
                foreach (var instrument in instruments) InstrumentCatalog.Measure(instrument, state);
                afterDue?.Invoke(_context, state); // reads the step's cached results only
            }
        }

        public double PlainStepSeconds(int steps, int repeats) =>
            Median(Enumerable.Range(0, repeats).Select(_ => Time(() => Steps(steps, null, null)) / steps));

        /// <summary>Median seconds per step of plain and of instrumented blocks, alternating.</summary>
        public (double Plain, double Instrumented) Alternate(string[] names, InstrumentOptions options, Cadence cadence, int steps, int repeats,
            Action<InstrumentContext, TrainingState>? afterDue = null)
        {
            var plain = new List<double>();
            var measured = new List<double>();
            for (var r = 0; r < repeats; r++)
            {
                plain.Add(Time(() => Steps(steps, null, null)) / steps);
                // Alive only during their block: while an instrument exists, the loop gives it hooks or step norms.
                var instruments = names.Select(n => InstrumentCatalog.Create(n, _context, options with { Cadence = cadence })).ToList();
                try
                {
                    measured.Add(Time(() => Steps(steps, instruments, cadence, afterDue)) / steps);
                }
                finally
                {
                    foreach (var instrument in instruments) instrument.Dispose();
                }
            }
            return (Median(plain), Median(measured));
        }

        /// <summary>Mean seconds per measurement of an instrument measured at every step: its calls and its hook, timed from outside.</summary>
        public double EveryStep(string name, InstrumentOptions options, int steps)
        {
            // What the instrument adds to a step, whatever does the work (its measurement, a hook, or the engine computing
            // the step's norms): a block of steps with it against a plain block just before.
            var plain = Time(() => Steps(steps, null, null)) / steps;
            using var instrument = InstrumentCatalog.Create(name, _context, options with { Cadence = Cadence.Every(1) });
            var measured = Time(() =>
            {
                for (var i = 0; i < steps; i++)
                {
                    _loop.Next();
                    InstrumentCatalog.Measure(instrument, _loop.State);
                }
            }) / steps;
            return measured - plain;
        }

        /// <summary>
        /// Seconds each measurement after the first adds to its step (the step with the instrument due, minus a plain step
        /// measured just before), each with the Lanczos products or ascent passes of that call (0 for other instruments).
        /// </summary>
        public (double Seconds, int Products, double Floor)[] MeasureCalls(string name, InstrumentOptions options, int calls, Func<int, double> floorOf)
        {
            options = options with { Cadence = Cadence.Every(1) };
            var plain = PlainStepSeconds(16, 1);
            using var instrument = InstrumentCatalog.Create(name, _context, options);
            var measured = new List<(double, int, double)>();
            for (var c = 0; c < calls + 1; c++)
            {
                var t = Time(() =>
                {
                    _loop.Next();
                    InstrumentCatalog.Measure(instrument, _loop.State);
                }) - plain;
                var products = 0;
                if (name is nameof(HessianTopEigenvalues) or nameof(LossAlongTopEigenvector) or nameof(HessianLanczosProducts))
                    products = HessianSpectrum.For(_context, options).Measure(_loop.State).Products; // the step's cached run
                if (name is nameof(EpsilonSharpness) or nameof(EpsilonSharpnessError) or nameof(EpsilonSharpnessSteps))
                    products = SharpnessMaximisation.For(_context, options).Measure(_loop.State).Passes; // the step's cached maximisation
                if (c > 0) measured.Add((t, products, floorOf(products))); // the first call also builds the fixed subset (and Lanczos starts cold)
            }
            return [.. measured];
        }

        /// <summary>Median seconds of one pass of a kind over the first <paramref name="examples"/> examples of the fixed subset, at the current weights (measured once per kind and size, or again when <paramref name="fresh"/>).</summary>
        public double PassSeconds(PassKind kind, long examples, bool fresh = false)
        {
            if (!fresh && _passes.TryGetValue((kind, examples), out var cached)) return cached;
            var wasTraining = _model.training;
            _model.eval();
            try
            {
                Tensor x, y;
                if (examples >= _data.TrainCount) (x, y) = (_data.TrainInputs, _data.TrainLabels);
                else if (examples == _data.TestCount) (x, y) = (_data.TestInputs, _data.TestLabels);
                else (x, y) = _context.FixedSubset((int)examples);
                LossFunction loss = () => nn.functional.cross_entropy(_model.forward(x), y);
                var parameters = _context.Parameters;
                // One Hessian-vector product reuses the graph built once, as Lanczos and Hutchinson do.
                using var hvp = kind == PassKind.H ? new HessianVectorProduct(loss, parameters) : null;
                using var v = hvp is null ? null : randn([hvp.Dimension], dtype: ScalarType.Float64);
                Action pass = kind switch
                {
                    PassKind.F => () => InstrumentContext.Evaluate(_model, x, y),
                    PassKind.FB => () => ParameterVector.Gradient(loss, parameters, out _).Dispose(),
                    PassKind.G => () => new HessianVectorProduct(loss, parameters).Dispose(),
                    _ => () => hvp!.Apply(v!).Dispose(),
                };
                pass(); // warm-up
                var seconds = Median(Enumerable.Range(0, 5).Select(_ => Time(pass)));
                _passes[(kind, examples)] = seconds;
                return seconds;
            }
            finally
            {
                if (wasTraining) _model.train();
            }
        }

        /// <summary>Cold and warm Lanczos at the same steps, every <paramref name="every"/> steps, from two spectra of one context.</summary>
        public List<SpectrumRow> Spectra(InstrumentOptions options, int calls, int every)
        {
            var cold = HessianSpectrum.For(_context, options with { LanczosWarmStart = false });
            var warm = HessianSpectrum.For(_context, options with { LanczosWarmStart = true });
            var rows = new List<SpectrumRow>();
            for (var c = 0; c < calls; c++)
            {
                Steps(every, null, null);
                var state = _loop.State;
                rows.Add(new SpectrumRow(state.Step, Read(cold.Measure(state), options), Read(warm.Measure(state), options)));
            }
            return rows;
        }

        private static Spectrum Read(LanczosResult result, InstrumentOptions options) =>
            new(result.Products, [.. result.Values], result.Residuals.Zip(result.Values).All(r => r.First <= options.LanczosTolerance * Math.Abs(r.Second)));

        public void Dispose()
        {
            _context.Dispose();
            _loop.Dispose();
            _engine.Dispose();
            _model.Dispose();
        }
    }
}
