using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>A ReLU multilayer perceptron: Linear layers of the given hidden widths, then a linear read-out.</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Linear> _layers = new();

    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs) : base(nameof(Mlp))
    {
        var width = inputs;
        foreach (var h in hidden)
        {
            _layers.Add(nn.Linear(width, h));
            width = h;
        }
        _layers.Add(nn.Linear(width, outputs));
        RegisterComponents();
    }

    /// <summary>Creates the model on a device; call after seeding so that initial weights follow the trial's seed.</summary>
    public static Mlp Create(int inputs, IReadOnlyList<int> hidden, int outputs, Device device, ScalarType dtype = ScalarType.Float32)
    {
        var model = new Mlp(inputs, hidden, outputs);
        model.to(dtype).to(device);
        return model;
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (var i = 0; i < _layers.Count - 1; i++)
        {
            using var z = _layers[i].forward(x);
            var next = nn.functional.relu(z);
            if (!ReferenceEquals(x, input)) x.Dispose();
            x = next;
        }
        var output = _layers[^1].forward(x);
        if (!ReferenceEquals(x, input)) x.Dispose();
        return output;
    }
}
