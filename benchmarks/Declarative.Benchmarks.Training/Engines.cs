using System.Diagnostics;
using System.Text.Json;
using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Training;
using Declarative.Runtime.Experiments.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Benchmarks.Training;

/// <summary>
/// One engine measured in its own process (so that its peak resident memory is its own): prints one JSON
/// line per measured epoch or run, like benchmarks/pytorch/mlp_epoch.py.
/// </summary>
internal static class Engines
{
    public static readonly int[] Hidden = [256, 256];
    public const double LearningRate = 0.01;

    public static int Run(string engine, int batch, int epochs, int threads, int seeds, string data)
    {
        Runtime.Torch.TorchEnvironment.EnsureLoaded();
        Runtime.Torch.TorchEnvironment.SetThreads(threads);
        using var catalog = new DataCatalog(data);
        switch (engine)
        {
            case "generated": Generated(catalog, Spec(batch, epochs, seed: 0), "generated", threads); break;
            case "generated-bn": Generated(catalog, BatchNormMomentumSpec(batch, epochs), "generated-bn", threads); break;
            case "handwritten": Handwritten(catalog, batch, epochs, threads); break;
            case "before": Before(catalog, batch, epochs, threads); break;
            case "loop-torchsgd": LoopWithTorchSgd(catalog, batch, epochs, threads); break;
            case "gemm": Gemm(batch, epochs, threads); break;
            case "paired": Paired(catalog, Spec(batch, epochs, seed: 0), "paired", threads); break;
            case "paired-bn": Paired(catalog, BatchNormMomentumSpec(batch, epochs), "paired-bn", threads); break;
            case "paired-packed": PairedPacked(catalog, batch, epochs, threads, seeds); break;
            case "startup": Startup(data); break;
            case "packed-gemm": PackedGemm(batch, epochs, threads, seeds); break;
            case "unpacked": Unpacked(catalog, batch, seeds, threads); break;
            case "packed": Packed(catalog, batch, seeds, threads); break;
            case "profile": Profile.Run(catalog, batch, threads); break;
            case "step-profile": StepProfile.Run(catalog, batch, threads); break;
            case "runner-packed": RunnerEngine.Run(pack: true, data); break;
            case "runner-unpacked": RunnerEngine.Run(pack: false, data); break;
            default: Console.Error.WriteLine($"Unknown engine '{engine}': use generated, generated-bn, paired, paired-bn, paired-packed, packed-gemm, before, handwritten, gemm, unpacked, packed, runner-packed, runner-unpacked, profile or step-profile."); return 2;
        }
        return 0;
    }

    /// <summary>The spec the benchmark's trial trains with: the 784-256-256-10 MLP, plain SGD, all of Fashion-MNIST.</summary>
    public static TrialSpec Spec(int batch, int epochs, int seed) => new()
    {
        Seed = seed,
        Settings = new ExperimentSettings(Epochs: epochs, Seeds: 1, TrainSubset: 0, TestSubset: 0),
        Data = new DataSpec(DataSetKind.FashionMnist),
        Model = new ModelSpec(ModelKind.Mlp) { Sizes = Hidden },
        Optimizer = new OptimizerSpec { Kind = OptimizerKind.Sgd, LearningRate = LearningRate, BatchSize = batch },
    };

    /// <summary>The benchmark's MLP with batch norm after each hidden layer, trained with heavy-ball momentum 0.9.</summary>
    public static TrialSpec BatchNormMomentumSpec(int batch, int epochs)
    {
        var spec = Spec(batch, epochs, seed: 0);
        return spec with
        {
            Model = spec.Model with { Normalization = Normalization.BatchNorm },
            Optimizer = spec.Optimizer with { Kind = OptimizerKind.Momentum, Momentum = 0.9 },
        };
    }

    public static TrialContext Context(DataCatalog catalog) => new(CPU, catalog, new BufferedMetricSink());

    /// <summary>The path the generated <c>Run</c> takes: TrialSetup, then Next / OnStep / LossIsFinite per step.</summary>
    private static void Generated(DataCatalog catalog, TrialSpec spec, string name, int threads)
    {
        var context = Context(catalog);
        context.Data.FashionMnist(0, 0, CPU); // load outside the timed region, as the runner does once per process
        var batch = spec.Optimizer.BatchSize;
        using var setup = TrialSetup.Create(spec, context);
        if (setup.Loop.Engine.Kind != EngineKind.StackedMlp) throw new InvalidOperationException($"{name}: the trial trains on {setup.Loop.Engine.Kind}, not the stacked engine");
        var loop = setup.Loop;
        var watch = Stopwatch.StartNew();
        while (loop.Next())
        {
            var state = loop.State;
            context.OnStep?.Invoke(state.Step, state.TotalSteps);
            if (!loop.LossIsFinite(out var loss)) throw new InvalidOperationException($"diverged: {loss}");
            if (state.IsEpochEnd)
            {
                var seconds = watch.Elapsed.TotalSeconds;
                Emit(name, batch, threads, state.Epoch, seconds, state.StepsPerEpoch, state.BatchLoss.to_type(ScalarType.Float64).item<double>());
                watch.Restart();
            }
        }
    }

    /// <summary>
    /// The generated loop's step as it was before this work (commit fdad943): TorchSharp's per-parameter SGD,
    /// model.train() and the optimizer's learning rate read every step, the loss read back to the host
    /// every step for the divergence check. Same data, seed, shuffles and model as <see cref="Generated"/>.
    /// </summary>
    private static void Before(DataCatalog catalog, int batch, int epochs, int threads)
    {
        var data = catalog.FashionMnist(0, 0, CPU);
        Runtime.Training.Seeding.ForTrial(0);
        using var model = Runtime.Models.Mlp.Create(784, Hidden, 10, CPU);
        using var optimizer = optim.SGD(model.parameters(), LearningRate);
        var steps = data.TrainCount / batch;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            using var generator = new Generator((ulong)(0 * 1_000_003 + epoch + 1));
            using var permutation = randperm(data.TrainCount, generator: generator);
            using var xs = data.TrainInputs.index_select(0, permutation);
            using var ys = data.TrainLabels.index_select(0, permutation);
            Tensor? lossKept = null, logitsKept = null, labelsKept = null;
            double loss = 0;
            for (var i = 0; i < steps; i++)
            {
                lossKept?.Dispose(); logitsKept?.Dispose(); labelsKept?.Dispose();
                _ = Runtime.Optimizers.OptimizerFactory.LearningRate(optimizer);
                using var scope = NewDisposeScope();
                model.train();
                var xb = xs.narrow(0, (long)i * batch, batch);
                var yb = ys.narrow(0, (long)i * batch, batch);
                optimizer.zero_grad();
                var outputs = model.forward(xb);
                var l = Runtime.Training.Objective.Loss(outputs, yb, regression: false);
                l.backward();
                optimizer.step();
                lossKept = l.detach().MoveToOuterDisposeScope();
                logitsKept = outputs.detach().MoveToOuterDisposeScope();
                labelsKept = yb.MoveToOuterDisposeScope();
                loss = lossKept.to_type(ScalarType.Float64).item<double>();
                if (!double.IsFinite(loss)) throw new InvalidOperationException("diverged");
            }
            lossKept?.Dispose(); logitsKept?.Dispose(); labelsKept?.Dispose();
            Emit("before", batch, threads, epoch, watch.Elapsed.TotalSeconds, steps, loss);
        }
    }

    /// <summary>ClassificationLoop on the autograd engine with TorchSharp's per-parameter SGD (no hand-written step, no FlatSgd).</summary>
    private static void LoopWithTorchSgd(DataCatalog catalog, int batch, int epochs, int threads)
    {
        var data = catalog.FashionMnist(0, 0, CPU);
        Runtime.Training.Seeding.ForTrial(0);
        using var model = Runtime.Models.Mlp.Create(784, Hidden, 10, CPU);
        using var optimizer = optim.SGD(model.parameters(), LearningRate);
        using var loop = new Runtime.Training.ClassificationLoop(model, optimizer, data, batch, epochs, seed: 0);
        var watch = Stopwatch.StartNew();
        while (loop.Next())
        {
            if (!loop.LossIsFinite(out var loss)) throw new InvalidOperationException($"diverged: {loss}");
            if (loop.State.IsEpochEnd)
            {
                Emit("loop-torchsgd", batch, threads, loop.State.Epoch, watch.Elapsed.TotalSeconds, loop.State.StepsPerEpoch, 0);
                watch.Restart();
            }
        }
    }

    /// <summary>A plain TorchSharp loop, written as a user would after reading the TorchSharp samples.</summary>
    private static void Handwritten(DataCatalog catalog, int batch, int epochs, int threads)
    {
        var data = catalog.FashionMnist(0, 0, CPU);
        manual_seed(0);
        var model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10));
        var optimizer = optim.SGD(model.parameters(), LearningRate);
        var x = data.TrainInputs;
        var y = data.TrainLabels;
        var steps = data.TrainCount / batch;
        using var generator = new Generator(1);
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var watch = Stopwatch.StartNew();
            using var perm = randperm(data.TrainCount, generator: generator);
            using var xs = x.index_select(0, perm);
            using var ys = y.index_select(0, perm);
            double last = 0;
            Tensor? lastLoss = null;
            for (var i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                var xb = xs.narrow(0, (long)i * batch, batch);
                var yb = ys.narrow(0, (long)i * batch, batch);
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(model.forward(xb), yb);
                loss.backward();
                optimizer.step();
                if (i == steps - 1) { lastLoss?.Dispose(); lastLoss = loss.detach().MoveToOuterDisposeScope(); }
            }
            last = lastLoss!.item<float>();
            lastLoss.Dispose();
            Emit("handwritten", batch, threads, epoch, watch.Elapsed.TotalSeconds, steps, last);
        }
    }

    /// <summary>
    /// The generated step and the floor's products in one process: each round is an epoch of the trial, cut into blocks of
    /// <see cref="PairBlock"/> steps, each block followed by the same number of steps of the floor's products, so that the
    /// two are timed within a second of each other all through the epoch and this machine's drift (up to 1.7x within an
    /// hour) falls on both. One JSON line per round with both sums and their ratio; the first round is warm-up.
    /// </summary>
    private static void Paired(DataCatalog catalog, TrialSpec spec, string name, int threads)
    {
        var context = Context(catalog);
        context.Data.FashionMnist(0, 0, CPU);
        var batch = spec.Optimizer.BatchSize;
        using var setup = TrialSetup.Create(spec, context);
        if (setup.Loop.Engine.Kind != EngineKind.StackedMlp) throw new InvalidOperationException($"{name}: the trial trains on {setup.Loop.Engine.Kind}, not the stacked engine");
        using var floor = new GemmFloor(batch);
        PairedRounds(setup.Loop, floor.Epoch, spec.Settings.Epochs, round => new { engine = name, batch, threads, round });
    }

    /// <summary>
    /// The packed set of <paramref name="members"/> seeds and its batched-product floor in one process, paired in blocks as
    /// <see cref="Paired"/> pairs one trial (the pack's set-up is not timed).
    /// </summary>
    private static void PairedPacked(DataCatalog catalog, int batch, int rounds, int threads, int members)
    {
        var context = Context(catalog);
        context.Data.FashionMnist(0, 0, CPU);
        var specs = Enumerable.Range(0, members).Select(s => Spec(batch, rounds, s)).ToArray();
        if (!TrainingEngines.CanPack(specs, out var why)) throw new InvalidOperationException(why);
        using var setup = TrialSetup.Create(specs, context);
        if (setup.Loop.Engine.Kind != EngineKind.StackedMlp || setup.Loop.Engine.Members != members)
            throw new InvalidOperationException($"paired-packed: the pack trains on {setup.Loop.Engine.Kind} with {setup.Loop.Engine.Members} member(s)");
        using var floor = new PackedGemmFloor(batch, members);
        PairedRounds(setup.Loop, floor.Epoch, rounds, round => new { engine = "paired-packed", batch, threads, members, round });
    }

    /// <summary>Steps of the generated loop between two blocks of the floor's products in a paired round.</summary>
    private const int PairBlock = 32;

    private static void PairedRounds(ClassificationLoop loop, Func<int, double> floorSteps, int rounds, Func<int, object> label)
    {
        for (var round = 0; round < rounds; round++)
        {
            double generated = 0, products = 0;
            var block = 0;
            var watch = Stopwatch.StartNew();
            while (loop.Next())
            {
                for (var m = 0; m < loop.Engine.Members; m++)
                    if (!loop.LossIsFinite(m, out var loss)) throw new InvalidOperationException($"member {m} diverged: {loss}");
                var end = loop.State.IsEpochEnd;
                if (++block < PairBlock && !end) continue;
                generated += watch.Elapsed.TotalSeconds;
                products += floorSteps(block);
                block = 0;
                if (end) break;
                watch.Restart();
            }
            var fields = JsonSerializer.SerializeToNode(label(round))!.AsObject();
            fields["generated_seconds"] = generated;
            fields["floor_seconds"] = products;
            fields["ratio"] = generated / products;
            Console.WriteLine(fields.ToJsonString());
        }
    }

    /// <summary>The packed floor's operands and one epoch's steps of its batched products (<see cref="PackedGemm"/>, <see cref="PairedPacked"/>).</summary>
    private sealed class PackedGemmFloor : IDisposable
    {
        private static readonly int[] Sizes = [784, 256, 256, 10];
        private readonly Tensor[] _acts, _weights;

        public PackedGemmFloor(int batch, int members)
        {
            _acts = Sizes.Select(s => randn(members, batch, s).DetachFromDisposeScope()).ToArray();
            _weights = Enumerable.Range(0, 3).Select(l => randn(members, Sizes[l], Sizes[l + 1]).DetachFromDisposeScope()).ToArray();
        }

        /// <summary>Floating-point operations of one step's products for <paramref name="members"/> members.</summary>
        public static double Flops(int batch, int members) => Enumerable.Range(0, 3).Sum(l => 2.0 * members * batch * Sizes[l] * Sizes[l + 1] * (l == 0 ? 2 : 3));

        public double Epoch(int steps)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                using var step = NewDisposeScope();
                for (var l = 0; l < 3; l++) _acts[l].bmm(_weights[l]);                           // forward: [K,B,in]·[K,in,out]
                for (var l = 2; l >= 0; l--)
                {
                    _acts[l].transpose(1, 2).bmm(_acts[l + 1]);                                    // weight grad: [K,in,B]·[K,B,out]
                    if (l > 0) _acts[l + 1].bmm(_weights[l].transpose(1, 2));                       // input grad: [K,B,out]·[K,out,in]
                }
            }
            return watch.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            foreach (var t in _acts.Concat(_weights)) t.Dispose();
        }
    }

    /// <summary>The floor's operands and outputs, and one epoch's steps of its eight products (<see cref="Gemm"/>, <see cref="Paired"/>).</summary>
    private sealed class GemmFloor : IDisposable
    {
        private static readonly int[] Sizes = [784, 256, 256, 10];
        private readonly Tensor[] _acts, _outs, _weights, _wgrads;

        public GemmFloor(int batch)
        {
            _acts = Sizes.Select(s => randn(batch, s).DetachFromDisposeScope()).ToArray();
            _outs = Sizes.Select(s => empty(batch, s).DetachFromDisposeScope()).ToArray();
            _weights = Enumerable.Range(0, 3).Select(l => randn(Sizes[l + 1], Sizes[l]).DetachFromDisposeScope()).ToArray();
            _wgrads = Enumerable.Range(0, 3).Select(l => empty(Sizes[l + 1], Sizes[l]).DetachFromDisposeScope()).ToArray();
        }

        /// <summary>Floating-point operations of one step's products: forward 3, backward 5 (no input gradient for the first layer).</summary>
        public static double Flops(int batch) => Enumerable.Range(0, 3).Sum(l => 2.0 * batch * Sizes[l] * Sizes[l + 1] * (l == 0 ? 2 : 3));

        public double Epoch(int steps)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < steps; i++)
            {
                using var step = NewDisposeScope();
                for (var l = 0; l < 3; l++) _outs[l + 1].addmm_(_acts[l], _weights[l].t(), beta: 0);     // forward: [B,in]·[in,out]
                for (var l = 2; l >= 0; l--)
                {
                    _wgrads[l].addmm_(_acts[l + 1].t(), _acts[l], beta: 0);                               // weight grad: [out,B]·[B,in]
                    if (l > 0) _outs[l].addmm_(_acts[l + 1], _weights[l], beta: 0);                       // input grad: [B,out]·[out,in]
                }
            }
            return watch.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            foreach (var t in _acts.Concat(_outs).Concat(_weights).Concat(_wgrads)) t.Dispose();
        }
    }

    /// <summary>
    /// The arithmetic floor: the matrix products of one training step of the MLP alone (forward 3, backward
    /// 5: no input gradient for the first layer), into preallocated outputs (addmm_ with β = 0, TorchSharp has no out: for mm), timed over an epoch's steps.
    /// </summary>
    private static void Gemm(int batch, int epochs, int threads)
    {
        using var floor = new GemmFloor(batch);
        var flops = GemmFloor.Flops(batch);
        var steps = 60_000 / batch;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var seconds = floor.Epoch(steps);
            Console.WriteLine(JsonSerializer.Serialize(new { engine = "gemm", batch, threads, epoch, seconds, steps, gflops = flops * steps / seconds / 1e9, flops_per_step = flops, peak_rss_mb = PeakRssMb() }));
        }
    }

    /// <summary>
    /// The packed floor: the step's matrix products for K members as batched products (<c>bmm</c>, which
    /// allocates its output: TorchSharp has no in-place or <c>out:</c> form), timed over an epoch's steps.
    /// </summary>
    private static void PackedGemm(int batch, int epochs, int threads, int members)
    {
        using var floor = new PackedGemmFloor(batch, members);
        var flops = PackedGemmFloor.Flops(batch, members);
        var steps = 60_000 / batch;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            var seconds = floor.Epoch(steps);
            Console.WriteLine(JsonSerializer.Serialize(new { engine = "packed-gemm", batch, threads, members, epoch, seconds, steps, gflops = flops * steps / seconds / 1e9, flops_per_step = flops, peak_rss_mb = PeakRssMb() }));
        }
    }

    /// <summary>Where a worker's start-up goes: the process and TorchSharp's native load, reading and decoding Fashion-MNIST, building one trial.</summary>
    private static void Startup(string folder)
    {
        var process = Process.GetCurrentProcess();
        var sinceStart = DateTime.Now - process.StartTime;
        var watch = Stopwatch.StartNew();
        var files = new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" };
        var contents = files.Select(f => IdxFile.Read(Path.Combine(folder, f), f.Contains("images") ? 3 : 1, "")).ToArray();
        var read = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using (var decoded = FashionMnist.FromBytes("x", contents[0].Data, contents[1].Data, contents[2].Data, contents[3].Data, 784, 10)) { }
        var convert = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using var catalog = new DataCatalog(folder);
        catalog.FashionMnist(0, 0, CPU);
        var data = watch.Elapsed.TotalSeconds;
        watch.Restart();
        using (var setup = TrialSetup.Create(Spec(32, 1, 0), Context(catalog))) { }
        var setupSeconds = watch.Elapsed.TotalSeconds;
        // First load (cold): reading and gunzipping the four IDX files, then the tensors; then the catalogue's load as a worker does it (warm code).
        Console.WriteLine(JsonSerializer.Serialize(new { engine = "startup", process_and_torch_seconds = sinceStart.TotalSeconds, read_gunzip_seconds = read, to_tensors_seconds = convert, catalog_load_seconds = data, trial_setup_seconds = setupSeconds }));
    }

    /// <summary>8 seeds at one batch size, one epoch each, one after another (what the runner does today).</summary>
    private static void Unpacked(DataCatalog catalog, int batch, int seeds, int threads)
    {
        var context = Context(catalog);
        context.Data.FashionMnist(0, 0, CPU);
        var watch = Stopwatch.StartNew();
        for (var seed = 0; seed < seeds; seed++)
        {
            var trial = Stopwatch.StartNew();
            using var setup = TrialSetup.Create(Spec(batch, 1, seed), context);
            while (setup.Loop.Next())
                if (!setup.Loop.LossIsFinite(out var loss)) throw new InvalidOperationException($"diverged: {loss}");
            Console.Error.WriteLine($"unpacked trial {seed}: {trial.Elapsed.TotalSeconds:F3} s");
        }
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new { engine = "unpacked", batch, threads, seeds, seconds, trials_per_hour = seeds * 3600 / seconds, peak_rss_mb = PeakRssMb() }));
    }

    /// <summary>The same trials trained together as one stacked model.</summary>
    private static void Packed(DataCatalog catalog, int batch, int seeds, int threads)
    {
        var context = Context(catalog);
        context.Data.FashionMnist(0, 0, CPU);

        var specs = Enumerable.Range(0, seeds).Select(s => Spec(batch, 1, s)).ToArray();
        if (!TrainingEngines.CanPack(specs, out var why)) throw new InvalidOperationException(why);
        var watch = Stopwatch.StartNew();
        var outcomes = TrialDriver.Run(specs, context);
        var seconds = watch.Elapsed.TotalSeconds;
        if (outcomes.Any(o => o.Status != TrialStatus.Done)) throw new InvalidOperationException("a packed trial did not finish");
        Console.WriteLine(JsonSerializer.Serialize(new { engine = "packed", batch, threads, seeds, seconds, trials_per_hour = seeds * 3600 / seconds, peak_rss_mb = PeakRssMb() }));

    }

    public static void Emit(string engine, int batch, int threads, int epoch, double seconds, int steps, double loss) =>
        Console.WriteLine(JsonSerializer.Serialize(new { engine, batch, threads, epoch, seconds, steps, loss, peak_rss_mb = PeakRssMb() }));

    /// <summary>VmHWM of this process, in MB (the same figure as getrusage's ru_maxrss that the PyTorch script reports).</summary>
    public static double PeakRssMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line[6..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }
}
