using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>Shared steps of the model factories: scaling the default initialisation, moving to a device.</summary>
internal static class ModelInit
{
    /// <summary>Multiplies the weights and biases of every Linear and Conv2d by <paramref name="scale"/>.</summary>
    public static void Scale(nn.Module module, double scale)
    {
        if (scale == 1) return;
        using var noGrad = no_grad();
        foreach (var (_, m) in module.named_modules())
        {
            if (m is Linear or Conv2d)
                foreach (var p in m.parameters(recurse: false)) p.mul_(scale);
        }
    }

    public static T Finish<T>(T model, ModelOptions options, Device device, ScalarType dtype) where T : nn.Module
    {
        Scale(model, options.InitScale);
        model.to(dtype).to(device);
        return model;
    }
}
