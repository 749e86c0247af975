using Declarative.Runtime.Instruments.Numerics;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Instruments;

/// <summary>
/// tr(H) of the full-batch loss on the fixed subset by Hutchinson's estimator with <see cref="InstrumentOptions.Samples"/> Rademacher probes from its own generator.
/// The estimate is made on the step's gradient graph of the member's pack (<see cref="InstrumentPack.Graph"/>), for the members
/// in that graph at once (each member's probes from its own generator, one batched product per sample; the pack builds one
/// member's graph at a time); a member whose estimate was made but not read has its generator rolled back.
/// </summary>
public sealed class HessianTrace : ScalarInstrument
{
    private readonly InstrumentContext _context;
    private readonly InstrumentOptions _options;
    private readonly Probes _probes;

    public HessianTrace(InstrumentContext context, InstrumentOptions options)
    {
        _context = context;
        _options = options;
        _probes = Probes.For(context, options);
    }

    public override double Measure(TrainingState state)
    {
        if (_probes.Step != state.Step || !_probes.HasValue)
        {
            var pack = _context.Pack;
            pack.Shared(("hessian-trace", _options.FullBatchExamples, Math.Max(1, _options.Samples), _options.Seed), () => new PackTraces(pack, _options)).Run(state.Step, _context.PackMember);
        }
        return _probes.Read();
    }

    /// <summary>The member's probe generator (seed + 1) and its estimate at the last step its pack estimated it.</summary>
    private sealed class Probes : IDisposable
    {
        private readonly Generator _generator;
        private Tensor? _state;
        private double _value;
        private bool _read;

        private Probes(long seed) => _generator = new Generator((ulong)seed + 1);

        public static Probes For(InstrumentContext context, InstrumentOptions options) =>
            context.Shared(("hessian-trace", options.FullBatchExamples, Math.Max(1, options.Samples), options.Seed), () => new Probes(options.Seed));

        public long Step { get; private set; } = long.MinValue;
        public bool HasValue { get; private set; }

        /// <summary>The generator for this step's probes (the previous step's draws rolled back if nobody read them).</summary>
        public Generator Begin()
        {
            if (HasValue && !_read && _state is not null) _generator.set_state(_state);
            _state?.Dispose();
            _state = _generator.get_state().DetachFromDisposeScope();
            HasValue = false;
            return _generator;
        }

        public void Receive(long step, double value)
        {
            Step = step;
            _value = value;
            HasValue = true;
            _read = false;
        }

        public double Read()
        {
            _read = true;
            _state?.Dispose();
            _state = null;
            return _value;
        }

        public void Dispose()
        {
            _state?.Dispose();
            _generator.Dispose();
        }
    }

    /// <summary>The pack's estimates for one set of options: at a step, every member in the step's graph at once.</summary>
    private sealed class PackTraces(InstrumentPack pack, InstrumentOptions options)
    {
        public void Run(long step, int asker)
        {
            var graph = pack.Graph(options.FullBatchExamples, step, asker);
            var hvp = graph.Product;
            var probes = graph.Members.Select(m => Probes.For(pack[m], options)).ToArray();
            var generators = probes.Select(p => p.Begin()).ToArray();
            var values = Hutchinson.Probes(hvp.ApplyBlocks, hvp.Dimension, Math.Max(1, options.Samples), generators);
            for (var i = 0; i < probes.Length; i++) probes[i].Receive(step, values[i].Average());
        }
    }
}
