using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>
/// A small convolutional classifier for 28x28x1 or 32x32x3 images (any C×H×W with H and W divisible
/// by 4): two blocks of 3x3 convolution (32w, 64w channels, w the width multiplier), optional
/// normalisation, ReLU and 2x2 max pooling, then a hidden linear layer of 128w units and a read-out.
/// Inputs may be flat [N, C·H·W] (as <see cref="Data.ClassificationData"/> holds them): they are
/// viewed as images without a copy.
/// </summary>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Conv2d conv2;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> norms = new();
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly long[] _imageShape;

    public SmallCnn(int channels, int height, int width, int classes, ModelOptions options) : base(nameof(SmallCnn))
    {
        if (height % 4 != 0 || width % 4 != 0)
            throw new ArgumentException($"SmallCnn needs an image height and width divisible by 4 (got {height}x{width}).");
        _imageShape = [-1, channels, height, width];
        var c1 = options.Width(32);
        var c2 = options.Width(64);
        var h = options.Width(128);
        conv1 = nn.Conv2d(channels, c1, 3, padding: 1);
        conv2 = nn.Conv2d(c1, c2, 3, padding: 1);
        if (options.Normalization.Create(c1, spatial: true) is { } n1) norms.Add(n1);
        if (options.Normalization.Create(c2, spatial: true) is { } n2) norms.Add(n2);
        hidden = nn.Linear(c2 * (height / 4) * (width / 4), h);
        output = nn.Linear(h, classes);
        RegisterComponents();
    }

    /// <summary>Creates the model for images of shape <paramref name="imageShape"/> (C, H, W); call after seeding.</summary>
    public static SmallCnn Create(IReadOnlyList<int> imageShape, int classes, Device device, ModelOptions? options = null, ScalarType dtype = ScalarType.Float32)
    {
        if (imageShape.Count != 3) throw new ArgumentException($"SmallCnn needs an image shape (C, H, W), got [{string.Join(", ", imageShape)}].", nameof(imageShape));
        options ??= ModelOptions.Default;
        return ModelInit.Finish(new SmallCnn(imageShape[0], imageShape[1], imageShape[2], classes, options), options, device, dtype);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.view(_imageShape);
        x = conv1.forward(x);
        if (norms.Count > 0) x = norms[0].forward(x);
        x = nn.functional.max_pool2d(nn.functional.relu(x), 2);
        x = conv2.forward(x);
        if (norms.Count > 0) x = norms[1].forward(x);
        x = nn.functional.max_pool2d(nn.functional.relu(x), 2);
        x = nn.functional.relu(hidden.forward(x.flatten(1)));
        return output.forward(x).MoveToOuterDisposeScope();
    }
}
