using Declarative.Runtime.Instruments.Numerics;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// The instrument contexts of the members of one pack (or of one trial: a pack of one), for the full-batch instruments: the
/// gradient graph on the fixed subset (one forward and one create_graph backward) is built once per member, step and subset
/// size, and every Hessian instrument and the gradient norm due then use it (<see cref="Graph"/>); <see cref="EndStep"/> frees
/// it once the step's measurements are done. The operator and Lanczos serve K members at once (a block-diagonal Hessian, runs
/// in lockstep), but the pack builds one member's graph at a time, which measured faster on the CPU (see <see cref="Graph"/>).
/// </summary>
internal sealed class InstrumentPack : IDisposable
{
    private readonly InstrumentContext[] _members;
    private readonly Func<int, nn.Module<Tensor, Tensor>>? _refresh;
    private readonly Dictionary<object, object> _shared = [];
    private readonly Dictionary<int, StepGraph> _graphs = [];

    /// <param name="members">The members' contexts, in member order.</param>
    /// <param name="refresh">Brings member k's model up to date with its weights (a stacked engine's <c>Model</c>); null: the models are live.</param>
    public InstrumentPack(IReadOnlyList<InstrumentContext> members, Func<int, nn.Module<Tensor, Tensor>>? refresh)
    {
        _members = members.ToArray();
        _refresh = refresh;
    }

    /// <summary>The number of members K.</summary>
    public int Count => _members.Length;

    /// <summary>Member k's context.</summary>
    public InstrumentContext this[int member] => _members[member];

    /// <summary>How many gradient graphs the pack has built (a test hook: one per step and subset size when shared).</summary>
    public int GraphBuilds { get; private set; }

    /// <summary>An object created once per pack and key, disposed with the pack.</summary>
    public T Shared<T>(object key, Func<T> create) where T : class
    {
        if (_shared.TryGetValue(key, out var value)) return (T)value;
        var created = create();
        _shared[key] = created;
        return created;
    }

    /// <summary>
    /// The gradient graph of member <paramref name="asker"/>'s full-batch loss on its fixed subset of <paramref name="examples"/>
    /// examples at <paramref name="step"/> (with its own labels), in evaluation mode: built once per member, step and subset size,
    /// again only if a parameter was written in place since (<see cref="ParameterVector.Writes"/>).
    /// </summary>
    public StepGraph Graph(int examples, long step, int asker)
    {
        if (_graphs.TryGetValue(examples, out var graph))
        {
            if (graph.Step == step && graph.Writes == ParameterVector.Writes && graph.Row(asker) >= 0) return graph;
            graph.Dispose();
            _graphs.Remove(examples);
        }
        // One member per graph: a graph of all the pack's members (their losses summed, the Hessian block-diagonal, Lanczos in
        // lockstep over the blocks) gives the same values but measured 0.83 times the speed of one member at a time for 8 members
        // of the 784-256-256-10 MLP on this 2-core CPU (docs/benchmarks.md, instruments, mode pack); per member it is 0.96.
        int[] members = [asker];
        foreach (var m in members) _refresh?.Invoke(m);
        var modes = members.Select(m => FullBatch.Eval(_members[m])).ToArray();
        try
        {
            var product = new HessianVectorProduct(
                members.Select(m => FullBatch.Loss(_members[m], examples)).ToArray(),
                members.Select(m => _members[m].Parameters).ToArray());
            GraphBuilds++;
            graph = new StepGraph(step, ParameterVector.Writes, members, product);
        }
        finally
        {
            foreach (var mode in modes) mode.Dispose();
        }
        _graphs[examples] = graph;
        return graph;
    }

    /// <summary>
    /// ‖∇L_k‖ of member <paramref name="member"/>'s full-batch loss on its fixed subset at <paramref name="step"/>: read from the
    /// step's graph, computed when it was built (so a graph that a parameter write made unusable for products since still gives
    /// the norms of the parameters it was built at: in-place writers restore them bit for bit).
    /// </summary>
    public double GradientNorm(int examples, long step, int member)
    {
        var graph = _graphs.TryGetValue(examples, out var built) && built.Step == step && built.Row(member) >= 0 ? built : Graph(examples, step, member);
        return graph.GradientNorms[graph.Row(member)];
    }

    /// <summary>Frees the step's gradient graphs (the measurements of the step are done).</summary>
    public void EndStep()
    {
        foreach (var g in _graphs.Values) g.Dispose();
        _graphs.Clear();
    }

    public void Dispose()
    {
        EndStep();
        foreach (var value in _shared.Values) (value as IDisposable)?.Dispose();
        _shared.Clear();
    }

    /// <summary>One step's gradient graph: the operator over the members it was built for (its rows, in member order).</summary>
    internal sealed class StepGraph(long step, long writes, int[] members, HessianVectorProduct product) : IDisposable
    {
        public long Step { get; } = step;
        public long Writes { get; } = writes;

        /// <summary>The pack members of the operator's rows.</summary>
        public IReadOnlyList<int> Members { get; } = members;

        public HessianVectorProduct Product { get; } = product;

        /// <summary>Each row's gradient norm.</summary>
        public double[] GradientNorms { get; } = Norms(product.Gradients);

        private static double[] Norms(Tensor rows)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return rows.mul(rows).sum(1).cpu().data<double>().Select(Math.Sqrt).ToArray();
        }

        /// <summary>The operator's row of pack member <paramref name="member"/>; −1 when it is not in the graph.</summary>
        public int Row(int member) => Array.IndexOf(members, member);

        public void Dispose() => Product.Dispose();
    }
}
