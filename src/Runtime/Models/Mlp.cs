using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>
/// A ReLU multilayer perceptron: Linear layers of the given hidden widths, each optionally followed
/// by batch norm or ghost batch norm before the ReLU, then a linear read-out.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _layers = new();
    private readonly ModuleList<nn.Module<Tensor, Tensor>> _norms = new();

    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs) : this(inputs, hidden, outputs, ModelNormalization.None)
    {
    }

    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, ModelNormalization normalization) : base(nameof(Mlp))
    {
        var width = inputs;
        foreach (var h in hidden)
        {
            _layers.Add(nn.Linear(width, h));
            if (normalization.Create(h, spatial: false) is { } norm) _norms.Add(norm);
            width = h;
        }
        _layers.Add(nn.Linear(width, outputs));
        RegisterComponents();
    }

    /// <summary>Creates the model on a device; call after seeding so that initial weights follow the trial's seed.</summary>
    public static Mlp Create(int inputs, IReadOnlyList<int> hidden, int outputs, Device device, ScalarType dtype = ScalarType.Float32) =>
        Create(inputs, hidden, outputs, device, ModelOptions.Default, dtype);

    /// <summary>Creates the model with a width multiplier on the hidden widths, an initialisation scale and normalisation.</summary>
    public static Mlp Create(int inputs, IReadOnlyList<int> hidden, int outputs, Device device, ModelOptions options, ScalarType dtype = ScalarType.Float32)
    {
        var model = new Mlp(inputs, hidden.Select(options.Width).ToArray(), outputs, options.Normalization);
        return ModelInit.Finish(model, options, device, dtype);
    }

    /// <summary>A uniform-width MLP: <paramref name="depth"/> hidden layers of <paramref name="width"/> units.</summary>
    public static Mlp Create(int inputs, int depth, int width, int outputs, Device device, ModelOptions options, ScalarType dtype = ScalarType.Float32) =>
        Create(inputs, Enumerable.Repeat(width, depth).ToArray(), outputs, device, options, dtype);

    /// <summary>The Linear layers in order, the read-out last (for packing several MLPs into one stacked model).</summary>
    internal IList<Linear> Layers => _layers;

    /// <summary>The normalisation layer after each hidden Linear layer (empty without normalisation).</summary>
    internal IList<nn.Module<Tensor, Tensor>> Norms => _norms;

    /// <summary>Whether the hidden layers carry (ghost) batch norm.</summary>
    internal bool IsNormalized => _norms.Count > 0;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.dim() > 2 ? input.flatten(1) : input;
        for (var i = 0; i < _layers.Count - 1; i++)
        {
            x = _layers[i].forward(x);
            if (_norms.Count > 0) x = _norms[i].forward(x);
            x = nn.functional.relu(x);
        }
        return _layers[^1].forward(x).MoveToOuterDisposeScope();
    }
}
