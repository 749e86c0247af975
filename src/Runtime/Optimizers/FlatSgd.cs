using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Optimizers;

/// <summary>
/// TorchSharp's SGD (plain, momentum, Nesterov, weight decay, dampening) with its update done over all
/// parameters at once. At construction every parameter is re-pointed (<c>set_</c>) at a slice of one flat
/// buffer and given a gradient that is a slice of one flat gradient buffer; backward accumulates into
/// existing gradients in place, so after it the flat gradient holds every parameter's gradient, and one
/// step is one to four tensor operations on the whole model instead of a managed loop over parameters
/// (zero_grad is one <c>zero_</c>). The arithmetic is <see cref="SgdUpdate"/>'s (TorchSharp's SGD, element for element).
/// <para>
/// The parameters and gradients must stay views of the buffers: nobody may replace a parameter's data
/// or its <c>.grad</c> tensor (instruments read them, they do not replace them). This is verified every
/// <see cref="VerifyEvery"/> steps; a broken link throws rather than train on stale gradients.
/// </para>
/// </summary>
public sealed class FlatSgd : SGD
{
    /// <summary>Steps between checks that parameters and gradients still view the flat buffers.</summary>
    public const int VerifyEvery = 64;

    private readonly Parameter[] _parameters;
    private readonly Tensor _flat;
    private readonly Tensor _flatGrad;
    private readonly long[] _offsets;
    private SgdUpdate? _update;
    private Tensor? _stacked;
    private long _steps;

    public FlatSgd(IList<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weight_decay = 0, bool nesterov = false)
        : base(parameters, lr, momentum, dampening, weight_decay, nesterov)
    {
        _parameters = parameters.Where(p => p.requires_grad).ToArray();
        if (_parameters.Length == 0) throw new ArgumentException("No trainable parameters.", nameof(parameters));
        if (_parameters.Select(p => (p.dtype, p.device_type, p.device_index)).Distinct().Count() != 1)
            throw new ArgumentException("FlatSgd needs every parameter on one device with one dtype.", nameof(parameters));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        _flat = cat(_parameters.Select(p => p.detach().reshape(-1)).ToArray()).MoveToOuterDisposeScope();
        _flatGrad = zeros_like(_flat).MoveToOuterDisposeScope();
        _offsets = new long[_parameters.Length];
        long offset = 0;
        for (var i = 0; i < _parameters.Length; i++)
        {
            var p = _parameters[i];
            var n = p.numel();
            _offsets[i] = offset;
            p.set_(_flat.narrow(0, offset, n).view(p.shape));
            p.grad = _flatGrad.narrow(0, offset, n).view(p.shape);
            offset += n;
        }
    }

    /// <summary>All parameters, as one flat tensor (a view of the model's weights).</summary>
    public Tensor FlatParameters => _flat;

    /// <summary>All gradients, as one flat tensor.</summary>
    public Tensor FlatGradients => _flatGrad;

    public override void zero_grad() => _flatGrad.zero_();

    public override Tensor step(Func<Tensor>? closure = null)
    {
        if (closure is not null || _parameter_groups.Count != 1) throw new NotSupportedException("FlatSgd supports one parameter group and no closure.");
        if (_steps++ % VerifyEvery == 0) Verify();
        var options = (Options)_parameter_groups[0].Options;
        // The update itself is the one SGD update (one member, scalar hyper-parameters), over the flat buffer.
        _stacked ??= _flat.unsqueeze(0).DetachFromDisposeScope();
        _update ??= new SgdUpdate([_stacked],
            [new SgdMember(options.momentum!.Value, options.weight_decay!.Value, options.nesterov!.Value)], options.dampening!.Value, options.maximize!.Value);
        using var gradient = _flatGrad.unsqueeze(0);
        _update.Step([gradient], [options.LearningRate!.Value]);
        return null!;
    }

    /// <summary>Throws when a parameter or gradient no longer views the flat buffers (same storage, expected offset).</summary>
    public void Verify()
    {
        var flat = Torch.TensorStorage.Address(_flat);
        var flatGrad = Torch.TensorStorage.Address(_flatGrad);
        for (var i = 0; i < _parameters.Length; i++)
        {
            using var grad = _parameters[i].grad;
            var p = _parameters[i];
            if (Torch.TensorStorage.Address(p) != flat || p.storage_offset() != _offsets[i] || grad is null || Torch.TensorStorage.Address(grad) != flatGrad || grad.storage_offset() != _offsets[i])
                throw new InvalidOperationException(
                    $"Parameter {i} of FlatSgd no longer views its flat buffer (its data or .grad was replaced, e.g. by moving the model or setting .grad): " +
                    "create the optimizer after the model is final and never replace .grad.");
        }
    }

    /// <summary>Whether the parameters can share one buffer: one floating dtype (32 or 64 bits) and one device, at least one trainable.</summary>
    public static bool CanFlatten(IEnumerable<Parameter> parameters)
    {
        var trainable = parameters.Where(p => p.requires_grad).ToArray();
        return trainable.Length > 0 && trainable.All(p => p.dtype is ScalarType.Float32 or ScalarType.Float64) && trainable.Select(p => (p.dtype, p.device_type, p.device_index)).Distinct().Count() == 1;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _update?.Dispose();
            _stacked?.Dispose();
            _flat.Dispose();
            _flatGrad.Dispose();
        }
        base.Dispose(disposing);
    }
}
