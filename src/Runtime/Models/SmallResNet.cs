using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Declarative.Runtime.Models;

/// <summary>
/// A small ResNet (He et al. 2016, CIFAR style) with batch norm: a 3x3 stem of 16w channels, three
/// stages of <c>blocksPerStage</c> basic residual blocks with 16w, 32w and 64w channels (the second
/// and third downsample by 2, with a 1x1 projection shortcut), global average pooling and a linear
/// read-out. Normalisation is batch norm unless the options ask for ghost batch norm (None is
/// refused: this model is defined with normalisation). Flat inputs are viewed as images.
/// </summary>
public sealed class SmallResNet : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d stem;
    private readonly nn.Module<Tensor, Tensor> stemNorm;
    private readonly ModuleList<nn.Module<Tensor, Tensor>> blocks = new();
    private readonly Linear output;
    private readonly long[] _imageShape;

    public SmallResNet(int channels, int height, int width, int classes, ModelOptions options, int blocksPerStage = 1) : base(nameof(SmallResNet))
    {
        if (options.Normalization.Kind == NormalizationKind.None)
            throw new ArgumentException("SmallResNet is defined with batch normalization; choose BatchNorm or GhostBatchNorm.", nameof(options));
        if (blocksPerStage <= 0) throw new ArgumentOutOfRangeException(nameof(blocksPerStage), blocksPerStage, "A ResNet stage needs at least one block.");
        _imageShape = [-1, channels, height, width];
        var c = options.Width(16);
        stem = nn.Conv2d(channels, c, 3, padding: 1, bias: false);
        stemNorm = options.Normalization.Create(c, spatial: true)!;
        var inChannels = c;
        foreach (var (stageWidth, stride) in new[] { (16, 1), (32, 2), (64, 2) })
        {
            var outChannels = options.Width(stageWidth);
            for (var b = 0; b < blocksPerStage; b++)
            {
                blocks.Add(new BasicBlock(inChannels, outChannels, b == 0 ? stride : 1, options.Normalization));
                inChannels = outChannels;
            }
        }
        output = nn.Linear(inChannels, classes);
        RegisterComponents();
    }

    /// <summary>Creates the model for images of shape (C, H, W); batch norm unless <paramref name="options"/> says ghost batch norm.</summary>
    public static SmallResNet Create(IReadOnlyList<int> imageShape, int classes, Device device, ModelOptions? options = null, int blocksPerStage = 1, ScalarType dtype = ScalarType.Float32)
    {
        if (imageShape.Count != 3) throw new ArgumentException($"SmallResNet needs an image shape (C, H, W), got [{string.Join(", ", imageShape)}].", nameof(imageShape));
        options ??= ModelOptions.Default;
        if (options.Normalization.Kind == NormalizationKind.None) options = options with { Normalization = ModelNormalization.Batch };
        return ModelInit.Finish(new SmallResNet(imageShape[0], imageShape[1], imageShape[2], classes, options, blocksPerStage), options, device, dtype);
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = nn.functional.relu(stemNorm.forward(stem.forward(input.view(_imageShape))));
        foreach (var block in blocks) x = block.forward(x);
        x = nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
        return output.forward(x).MoveToOuterDisposeScope();
    }

    private sealed class BasicBlock : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly nn.Module<Tensor, Tensor> norm1;
        private readonly Conv2d conv2;
        private readonly nn.Module<Tensor, Tensor> norm2;
        private readonly Conv2d? shortcut;
        private readonly nn.Module<Tensor, Tensor>? shortcutNorm;

        public BasicBlock(int inChannels, int outChannels, int stride, ModelNormalization normalization) : base(nameof(BasicBlock))
        {
            conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: 1, bias: false);
            norm1 = normalization.Create(outChannels, spatial: true)!;
            conv2 = nn.Conv2d(outChannels, outChannels, 3, padding: 1, bias: false);
            norm2 = normalization.Create(outChannels, spatial: true)!;
            if (stride != 1 || inChannels != outChannels)
            {
                shortcut = nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false);
                shortcutNorm = normalization.Create(outChannels, spatial: true)!;
            }
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var y = nn.functional.relu(norm1.forward(conv1.forward(input)));
            y = norm2.forward(conv2.forward(y));
            var s = shortcut is null ? input : shortcutNorm!.forward(shortcut.forward(input));
            return nn.functional.relu(y + s).MoveToOuterDisposeScope();
        }
    }
}
