using Declarative.Runtime.Data;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Models;
using Declarative.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Instruments;

/// <summary>
/// F4's memorisation instruments: accuracy and loss on exactly the examples label noise flipped, against their flipped
/// labels, computed here by hand from the mask (float64, 1e-12), and a clear error where there is nothing to measure.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class FlippedLabelTests
{
    [Fact]
    public void Accuracy_and_loss_on_the_flipped_examples_are_the_hand_computed_ones()
    {
        using var clean = SoftmaxRegression.Data(train: 400, test: 20, features: 5, classes: 4, seed: 3);
        using var noisy = LabelNoise.Apply(clean, 0.25, seed: 9);
        manual_seed(2);
        using var model = Mlp.Create(5, [8], 4, CPU, ScalarType.Float64);
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        using var loop = new ClassificationLoop(model, optimizer, noisy, batchSize: 20, epochs: 3, seed: 1);
        using var context = new InstrumentContext(model, noisy);
        context.Connect(loop);
        var accuracy = new FlippedLabelAccuracy(context);
        var loss = new FlippedLabelLoss(context);
        while (loop.Next()) { }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        var rows = noisy.FlippedMask!.nonzero().view(-1);
        Assert.Equal(100, rows.shape[0]);
        var logits = model.forward(noisy.TrainInputs.index_select(0, rows));
        var labels = noisy.TrainLabels.index_select(0, rows);
        Assert.True(labels.ne(noisy.CleanTrainLabels!.index_select(0, rows)).all().item<bool>(), "every measured label is a flipped one");
        var expectedAccuracy = logits.argmax(1).eq(labels).to_type(ScalarType.Float64).mean().item<double>();
        var expectedLoss = nn.functional.cross_entropy(logits, labels).item<double>();
        model.train();

        Assert.Equal(expectedAccuracy, accuracy.Measure(loop.State), 12);
        Assert.Equal(expectedLoss, loss.Measure(loop.State), 12);
    }

    [Fact]
    public void Without_label_noise_the_instrument_says_what_to_declare()
    {
        using var data = SoftmaxRegression.Data(train: 40, test: 8, features: 3, classes: 2, seed: 1);
        using var model = Mlp.Create(3, [], 2, CPU, ScalarType.Float64);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        using var loop = new ClassificationLoop(model, optimizer, data, batchSize: 8, epochs: 1, seed: 1);
        using var context = new InstrumentContext(model, data);
        Assert.True(loop.Next());
        var error = Assert.Throws<InvalidOperationException>(() => new FlippedLabelAccuracy(context).Measure(loop.State));
        Assert.Contains("LabelNoise", error.Message);
    }
}
