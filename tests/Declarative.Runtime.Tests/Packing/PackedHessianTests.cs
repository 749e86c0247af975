using Declarative.Runtime.Data;
using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Tests.Instruments;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Packing;

/// <summary>
/// The Hessian instruments of a pack on the stacked MLP engine (one gradient graph per member and step, shared by its Hessian
/// instruments and its gradient norm): each member's λ1..λ3, trace estimate and gradient norm must equal what the member's own
/// context alone (a pack of one) computes on the same weights and labels, with its own warm starts and probes. The tolerance
/// is 1e-6 relative (a pack of 8 larger MLPs gave bit-identical values); a member given another's start, probes or labels
/// differs by far more.
/// </summary>
[Collection(GlobalRandomStream.Name)]
public sealed class PackedHessianTests
{
    private const double Tolerance = 1e-6;

    private static TrialSpec Spec(int seed, double lr, bool batchNorm) => new()
    {
        Seed = seed,
        Settings = new ExperimentSettings(Epochs: 2, Seeds: 3, TrainSubset: 0, TestSubset: 0),
        Data = new DataSpec(DataSetKind.GaussianMixture) { Classes = 4, Dimensions = 12, Train = 384, Test = 64, Separation = 1.5, LabelNoise = 0.2 },
        Model = new ModelSpec(ModelKind.Mlp) { Sizes = [24, 16], Normalization = batchNorm ? Normalization.BatchNorm : Normalization.None },
        Optimizer = new OptimizerSpec { Kind = OptimizerKind.Sgd, LearningRate = lr, BatchSize = 32 },
    };

    private static InstrumentOptions Options() => new() { TopK = 3, Examples = 200, Samples = 4, Seed = 77, LanczosTolerance = 1e-6 };

    private sealed class Member(InstrumentContext context) : IDisposable
    {
        public InstrumentContext Context { get; } = context;
        public HessianTopEigenvalues Top { get; } = new(context, Options());
        public HessianTrace Trace { get; } = new(context, Options());
        public GradientNorm Norm { get; } = new(context, Options());

        public (double[] Top, double Trace, double Norm) Measure(TrainingState state) => (Top.Measure(state), Trace.Measure(state), Norm.Measure(state));

        public void Dispose()
        {
            Top.Dispose();
            Trace.Dispose();
            Norm.Dispose();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Each_member_of_a_pack_measures_what_it_measures_alone(bool batchNorm)
    {
        using var catalog = new DataCatalog();
        var context = new TrialContext(CPU, catalog, new BufferedMetricSink());
        TrialSpec[] specs = [Spec(0, 0.1, batchNorm), Spec(1, 0.05, batchNorm), Spec(2, 0.2, batchNorm)];
        using var pack = TrialSetup.Create(specs, context);
        Assert.Equal(EngineKind.StackedMlp, pack.Engine.Kind);
        Assert.Equal(3, pack.Engine.Members);
        // Label noise is drawn per member: the members' fixed subsets share inputs, not labels.
        Assert.False(pack.MemberData[0].TrainLabels.equal(pack.MemberData[1].TrainLabels).all().item<bool>());

        var packed = pack.MemberInstruments.Select(c => new Member(c)).ToArray();
        var aloneModels = specs.Select((s, m) => TrialSetup.CreateModel(s.Model, pack.MemberData[m], CPU)).ToArray();
        var alone = aloneModels.Select((model, m) => new Member(new InstrumentContext(model, pack.MemberData[m]))).ToArray();
        try
        {
            var measured = 0;
            var builds = pack.Pack.GraphBuilds;
            for (var step = 1; step <= 12; step++)
            {
                Assert.True(pack.Loop.Next());
                if (step % 4 != 0) continue;
                // At step 8, member 1 is not measured (in the pack nor alone): the pack computes it anyway and must roll its
                // generators back, so that its later runs start as its run alone does.
                var members = step == 8 ? new[] { 0, 2 } : [0, 1, 2];
                foreach (var m in members)
                {
                    var state = pack.Loop.Member(m);
                    var fromPack = packed[m].Measure(state);
                    CopyWeights(state.Model, aloneModels[m]);
                    var fromAlone = alone[m].Measure(state);
                    alone[m].Context.Pack.EndStep();
                    Approx.Relative(fromAlone.Top, fromPack.Top, Tolerance);
                    Approx.Relative(fromAlone.Trace, fromPack.Trace, Tolerance);
                    Approx.Relative(fromAlone.Norm, fromPack.Norm, Tolerance);
                    Assert.All(fromPack.Top, v => Assert.True(double.IsFinite(v)));
                }
                pack.Pack.EndStep();
                measured += members.Length;
                // One graph per measured member and step, shared by its three instruments.
                Assert.Equal(builds + measured, pack.Pack.GraphBuilds);
            }
        }
        finally
        {
            foreach (var a in alone)
            {
                a.Dispose();
                a.Context.Dispose();
            }
            foreach (var m in aloneModels) m.Dispose();
            foreach (var p in packed) p.Dispose();
        }
    }

    /// <summary>
    /// Every instrument for every member of a pack, in the generated collectors' order (the enum's), as the driver measures
    /// them: one gradient graph per member and measured step, although the line searches and ε-sharpness write the parameters
    /// in place between the Hessian instruments (which restore them bit for bit).
    /// </summary>
    [Fact]
    public void Every_instrument_of_a_pack_in_collector_order_builds_one_graph_per_member_and_measured_step()
    {
        using var catalog = new DataCatalog();
        var context = new TrialContext(CPU, catalog, new BufferedMetricSink());
        var specs = Enumerable.Range(0, 3).Select(i => new TrialSpec
        {
            Seed = i,
            Settings = new ExperimentSettings(Epochs: 20, Seeds: 3, TrainSubset: 0, TestSubset: 0),
            Data = new DataSpec(DataSetKind.GaussianMixture) { Classes = 3, Dimensions = 8, Train = 512, Test = 64, Separation = 1.5, LabelNoise = 0.2 },
            Model = new ModelSpec(ModelKind.Mlp) { Sizes = [16, 16] },
            Optimizer = new OptimizerSpec { Kind = OptimizerKind.Sgd, LearningRate = 0.05, BatchSize = 16 },
        }).ToArray();
        using var pack = TrialSetup.Create(specs, context);
        var cadence = Cadence.Every(10);
        var options = new InstrumentOptions { Cadence = cadence, TopK = 2, Samples = 3, AlphaPoints = 5, Examples = 256, AscentSteps = 5 };
        var ordered = Enum.GetValues<Declarative.Instruments>().Where(v => v != Declarative.Instruments.None).OrderBy(v => (long)v).Select(v => v.ToString()).ToArray();
        var created = pack.MemberInstruments.Select(c => ordered.Select(name => InstrumentCatalog.Create(name, c, options)).ToList()).ToArray();
        try
        {
            while (pack.Loop.Next() && pack.Loop.State.Step <= 200)
            {
                var step = pack.Loop.State.Step;
                if (!cadence.IsDue(step, pack.Loop.State.IsEpochEnd, pack.Loop.State.IsLast)) continue;
                for (var m = 0; m < 3; m++)
                {
                    var state = pack.Loop.Member(m);
                    foreach (var instrument in created[m]) InstrumentCatalog.Measure(instrument, state);
                }
                pack.Pack.EndStep();
            }
            Assert.Equal(20 * 3, pack.Pack.GraphBuilds);
        }
        finally
        {
            foreach (var list in created)
                foreach (var instrument in list) instrument.Dispose();
        }
    }

    /// <summary>A member's weights and batch-norm statistics, copied into a model of the same shape.</summary>
    private static void CopyWeights(nn.Module<Tensor, Tensor> from, nn.Module<Tensor, Tensor> to)
    {
        using var noGrad = no_grad();
        foreach (var (source, target) in from.parameters().Zip(to.parameters())) target.copy_(source);
        foreach (var (source, target) in from.buffers().Zip(to.buffers())) target.copy_(source);
    }

    [Fact]
    public void The_Hessian_instruments_and_the_gradient_norm_of_one_step_share_one_graph()
    {
        using var catalog = new DataCatalog();
        var context = new TrialContext(CPU, catalog, new BufferedMetricSink());
        using var trial = TrialSetup.Create(Spec(3, 0.1, batchNorm: false), context);
        var instruments = trial.Instruments;
        var options = Options();
        using var member = new Member(instruments);
        using var along = new LossAlongTopEigenvector(instruments, options);
        Assert.True(trial.Loop.Next());
        var state = trial.Loop.State;

        member.Measure(state);
        Assert.Equal(1, instruments.Pack.GraphBuilds);
        member.Measure(state);
        Assert.Equal(1, instruments.Pack.GraphBuilds);

        // The line along the top eigenvector writes the parameters in place (and restores them bit for bit): the gradient norm
        // computed with the graph still holds, but the retained graph is invalid for autograd, so the next product at this step
        // (another trace estimate) builds a new one rather than failing.
        var norm = member.Norm.Measure(state);
        along.Measure(state);
        Assert.Equal(norm, member.Norm.Measure(state));
        Assert.Equal(1, instruments.Pack.GraphBuilds);
        using var otherTrace = new HessianTrace(instruments, options with { Samples = 2 });
        Assert.True(double.IsFinite(otherTrace.Measure(state)));
        Assert.Equal(2, instruments.Pack.GraphBuilds);

        // The step's end frees the graph; the next measured step builds one again.
        instruments.Pack.EndStep();
        Assert.True(trial.Loop.Next());
        member.Measure(trial.Loop.State);
        Assert.Equal(3, instruments.Pack.GraphBuilds);
    }

    [Fact]
    public void A_Lanczos_run_stopped_at_its_cap_reports_negative_products()
    {
        using var catalog = new DataCatalog();
        var context = new TrialContext(CPU, catalog, new BufferedMetricSink());
        using var trial = TrialSetup.Create(Spec(4, 0.1, batchNorm: false), context);
        var capped = Options() with { LanczosTolerance = 1e-12, LanczosIterations = 4 };
        using var cappedProducts = (IInstrument)InstrumentCatalog.Scalar(nameof(HessianLanczosProducts), trial.Instruments, capped);
        using var products = new HessianLanczosProducts(trial.Instruments, Options());
        using var top = new HessianTopEigenvalues(trial.Instruments, Options());
        Assert.True(trial.Loop.Next());
        var state = trial.Loop.State;
        Assert.Equal(-4, cappedProducts.Measure(state));
        var reached = products.Measure(state);
        Assert.True(reached > 4, $"{reached} products");
        top.Measure(state);
        // The products instrument reads the eigenvalues' run: no second run, no second graph.
        Assert.Equal(1, trial.Instruments.Pack.GraphBuilds);
        Assert.Equal(reached, products.Measure(state));
    }

    [Fact]
    public void A_member_with_non_finite_products_ends_with_NaN_and_the_others_go_on()
    {
        using var q = new Quadratic([9.0, 6.5, 4, 2.25, 1, 0.5, 0.3, 0.1, -0.4, -1.5, -3, 0.05], seed: 3);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(11);
        var starts = randn([2, hvp.Dimension], dtype: ScalarType.Float64, generator: generator);
        var both = Lanczos.TopEigenpairs((v, active) =>
        {
            var healthy = hvp.Apply(v[0]);
            return stack([healthy, full_like(healthy, double.NaN)]);
        }, hvp.Dimension, 3, (int)hvp.Dimension, 1e-12, starts);
        using var alone = Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, 3, (int)hvp.Dimension, 1e-12, starts[0]);
        Approx.Relative(alone.Values, both[0].Values, 1e-12);
        Approx.Relative([9, 6.5, 4], both[0].Values);
        Assert.All(both[1].Values, v => Assert.True(double.IsNaN(v)));
        Assert.False(both[1].ReachedTolerance);
        foreach (var r in both) r.Dispose();
    }

    [Fact]
    public void One_lockstep_run_gives_the_previous_single_run_Lanczos_to_1e_10()
    {
        var spectrum = new[] { 50.0, 49.5, 30, 12 }.Concat(Enumerable.Range(0, 116).Select(i => Math.Sin(i) * 3)).ToArray();
        using var q = new Quadratic(spectrum, seed: 8);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct(q.Loss, q.Parameters);
        using var generator = new Generator(3);
        var start = randn([hvp.Dimension], dtype: ScalarType.Float64, generator: generator);
        foreach (var (iterations, tolerance) in new[] { (120, 1e-10), (8, 1e-10) })
        {
            using var reference = ReferenceLanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, 3, iterations, tolerance, start);
            using var lockstep = Lanczos.TopEigenpairs(hvp.Apply, hvp.Dimension, 3, iterations, tolerance, start);
            Assert.Equal(reference.Products, lockstep.Products);
            Approx.Relative(reference.Values, lockstep.Values, 1e-10);
            Assert.True(lockstep.Vectors.allclose(reference.Vectors, rtol: 0, atol: 1e-8));
            // The capped run (8 products for three eigenvalues, two of them 1% apart) says so.
            Assert.Equal(iterations > 8, lockstep.ReachedTolerance);
        }
    }

    [Fact]
    public void Lockstep_runs_stop_each_at_its_own_convergence()
    {
        // Two members of different spectra in one block operator: the easy one converges early, the hard one goes on; each
        // gives what it gives alone.
        using var easy = new Quadratic(new[] { 100.0, 50, 20 }.Concat(Enumerable.Range(0, 37).Select(i => i / 37.0)).ToArray(), seed: 1);
        using var hard = new Quadratic(new[] { 10.0, 9.99, 9.98 }.Concat(Enumerable.Range(0, 37).Select(i => 9.5 * i / 37.0)).ToArray(), seed: 2);
        using var scope = NewDisposeScope();
        using var hvp = new HessianVectorProduct([easy.Loss, hard.Loss], [easy.Parameters, hard.Parameters]);
        using var generator = new Generator(4);
        var starts = randn([2, hvp.Dimension], dtype: ScalarType.Float64, generator: generator);
        var both = Lanczos.TopEigenpairs(hvp.ApplyBlocks, hvp.Dimension, 2, 50, 1e-10, starts);
        using var easyAlone = new HessianVectorProduct(easy.Loss, easy.Parameters);
        using var hardAlone = new HessianVectorProduct(hard.Loss, hard.Parameters);
        using var e = Lanczos.TopEigenpairs(easyAlone.Apply, hvp.Dimension, 2, 50, 1e-10, starts[0]);
        using var h = Lanczos.TopEigenpairs(hardAlone.Apply, hvp.Dimension, 2, 50, 1e-10, starts[1]);
        Assert.Equal(e.Products, both[0].Products);
        Assert.Equal(h.Products, both[1].Products);
        Assert.True(both[0].Products < both[1].Products, $"{both[0].Products} and {both[1].Products} products");
        Approx.Relative(e.Values, both[0].Values, 1e-12);
        Approx.Relative(h.Values, both[1].Values, 1e-12);
        Approx.Relative([100.0, 50], both[0].Values, 1e-8);
        Approx.Relative([10.0, 9.99], both[1].Values, 1e-8);

        // A basis budget too small for both runs at their cap: one group after the other, the same results.
        var grouped = Lanczos.TopEigenpairs(hvp.ApplyBlocks, hvp.Dimension, 2, 50, 1e-10, starts, basisBytes: 41 * hvp.Dimension * sizeof(double));
        for (var r = 0; r < 2; r++)
        {
            Assert.Equal(both[r].Products, grouped[r].Products);
            Approx.Relative(both[r].Values, grouped[r].Values, 1e-12);
        }
        foreach (var r in both.Concat(grouped)) r.Dispose();
    }
}
