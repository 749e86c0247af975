using Declarative;
using Declarative.Runtime.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace Declarative.Runtime.Tests.Optimizers;

/// <summary>
/// Each optimizer's first steps against PyTorch 1.13 on a tiny fixed least-squares problem in float64.
/// The expected values were computed once by tools/optimizer_reference.py (same problem, same settings).
/// </summary>
public sealed class OptimizerReferenceTests
{
    private static readonly Dictionary<string, OptimizerSettings> Settings = new()
    {
        ["Sgd"] = new() { LearningRate = 0.1, WeightDecay = 0.01 },
        ["Momentum"] = new() { LearningRate = 0.1, Momentum = 0.9, Dampening = 0.1, WeightDecay = 0.01 },
        ["Nesterov"] = new() { LearningRate = 0.1, Momentum = 0.9, WeightDecay = 0.01 },
        ["Adam"] = new() { LearningRate = 0.05, Beta1 = 0.8, Beta2 = 0.99, Epsilon = 1e-6, WeightDecay = 0.01 },
        ["AdamW"] = new() { LearningRate = 0.05, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightDecay = 0.1 },
        ["RAdam"] = new() { LearningRate = 0.05, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, WeightDecay = 0.01 },
    };

    // Output of `/usr/bin/python3 tools/optimizer_reference.py` (torch 1.13.0a0): [W (2x2, row-major), b] after a step.
    private static readonly Dictionary<string, double[]> Expected = new()
    {
        ["Sgd:1"] = [0.43923333333333336, -0.2121333333333333, 0.7101666666666667, -0.022633333333333328, 0.15623333333333334, -0.19046666666666667],
        ["Sgd:2"] = [0.3784202444444445, -0.1389985, 0.6318594555555556, -0.12247713333333332, 0.20212276666666668, -0.17363986666666667],
        ["Sgd:3"] = [0.31830092167037044, -0.07763050834444445, 0.5632109694296297, -0.20408816705555555, 0.23959740812222222, -0.15173887335555555],
        ["Sgd:10"] = [-0.05330436143317629, 0.16916909624187154, 0.25478054414273704, -0.49220808883954625, 0.3650563430142404, 0.04185756801653296],
        ["Momentum:1"] = [0.43923333333333336, -0.2121333333333333, 0.7101666666666667, -0.022633333333333328, 0.15623333333333334, -0.19046666666666667],
        ["Momentum:2"] = [0.3298115533333334, -0.06723198333333333, 0.5588401766666667, -0.2228627533333333, 0.24814382333333332, -0.16674254666666669],
        ["Momentum:3"] = [0.1771245198863334, 0.10753665490766666, 0.3693295719046667, -0.4597005886483333, 0.3569692139123333, -0.12022891408466668],
        ["Momentum:10"] = [-1.355808331066624, 0.6372712972330639, -0.465257616539849, -0.8409805912998035, 0.47160929478418306, 0.8867355137679447],
        ["Nesterov:1"] = [0.38454333333333335, -0.1330533333333333, 0.6293166666666667, -0.13300333333333333, 0.20684333333333332, -0.18188666666666667],
        ["Nesterov:2"] = [0.21969808244444444, 0.051883414999999995, 0.4274776345555556, -0.3830694513333333, 0.32189418766666666, -0.12972191866666666],
        ["Nesterov:3"] = [0.015320411537070389, 0.22268533976545554, 0.22442833021782965, -0.6013737356340555, 0.4219908914103222, -0.037050661545755544],
        ["Nesterov:10"] = [-1.341979682973456, 0.6383777059029309, -0.3548720275012759, -0.7449986025024613, 0.35745245118095187, 0.8121871231155879],
        ["Adam:1"] = [0.4500000822818174, -0.25000005690433585, 0.7500000556585652, 0.050000040771915645, 0.14999991108492397, -0.15000052447002304],
        ["Adam:2"] = [0.4000403406528228, -0.20034878543696827, 0.7001796939656045, 0.00018037223878242248, 0.1994899063150323, -0.10066357250358007],
        ["Adam:3"] = [0.35014906554907654, -0.15132922090882114, 0.6506722223343174, -0.049324171784257825, 0.2480183074248929, -0.05258360867429153],
        ["Adam:10"] = [0.0059351839594252095, 0.1443015244689931, 0.3258964479266214, -0.37305565356087583, 0.5041418224251761, 0.20632675473974527],
        ["AdamW:1"] = [0.447500000829646, -0.24850000057099353, 0.7460000005615874, 0.04950000040805224, 0.14949999911242606, -0.1490000053571423],
        ["AdamW:2"] = [0.39528473539862247, -0.19746668918774313, 0.6923765003507525, -0.0006450138542448136, 0.1984394643825895, -0.09868493615253451],
        ["AdamW:3"] = [0.343368257592448, -0.14707279301483245, 0.6392083049191327, -0.05035916353408074, 0.2465342148324533, -0.049462398005397604],
        ["AdamW:10"] = [-0.010210021298640834, 0.1670912592117701, 0.28810421275819725, -0.3779716321148878, 0.5189367050073925, 0.22485754763273996],
        ["RAdam:1"] = [0.4696166666666667, -0.25606666666666666, 0.7550833333333333, 0.03868333333333334, 0.12811666666666666, -0.19523333333333334],
        ["RAdam:2"] = [0.43922722514619883, -0.21407173245614036, 0.7116832616959065, -0.019634710526315775, 0.15487229385964912, -0.189507],
        ["RAdam:3"] = [0.40884944180917904, -0.1740075924534969, 0.6698048177339361, -0.07496516894191968, 0.18026851311230876, -0.18284300547085736],
        ["RAdam:10"] = [0.3386994117140748, -0.09062094946948812, 0.5814526861328905, -0.1856480952136208, 0.23589887774153487, -0.1570758646041524],
    };

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Momentum)]
    [InlineData(OptimizerKind.Nesterov)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.RAdam)]
    public void First_steps_match_pytorch(OptimizerKind kind)
    {
        var name = kind.ToString();
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2.0, -1.0, 0.5, 0.3, -0.7 }, [3, 2], ScalarType.Float64);
        var y = tensor(new[] { 0.5, -1.0, 1.5, 0.2, -0.4, 0.9 }, [3, 2], ScalarType.Float64);
        var w = new TorchSharp.Modules.Parameter(tensor(new[] { 0.5, -0.3, 0.8, 0.1 }, [2, 2], ScalarType.Float64));
        var b = new TorchSharp.Modules.Parameter(tensor(new[] { 0.1, -0.2 }, ScalarType.Float64));
        using var optimizer = OptimizerFactory.Create(kind, [w, b], Settings[name]);

        for (var step = 1; step <= 10; step++)
        {
            optimizer.zero_grad();
            using (var stepScope = NewDisposeScope())
            {
                var loss = (x.matmul(w.t()) + b - y).square().mean();
                loss.backward();
            }
            optimizer.step();
            if (step is 1 or 2 or 3 or 10)
            {
                var actual = cat([w.detach().flatten(), b.detach()]).data<double>().ToArray();
                var expected = Expected[$"{name}:{step}"];
                for (var i = 0; i < expected.Length; i++)
                    Assert.True(Math.Abs(actual[i] - expected[i]) < 1e-9,
                        $"{name} step {step}, parameter {i}: TorchSharp {actual[i]:R}, PyTorch {expected[i]:R}");
            }
        }
    }

    /// <summary>
    /// TorchSharp 0.107's own RAdam applies the learning rate twice once rectification starts, which is why
    /// the factory uses <see cref="RectifiedAdam"/>. When this test fails, TorchSharp has fixed it: drop RectifiedAdam.
    /// </summary>
    [Fact]
    public void TorchSharp_radam_still_differs_from_pytorch_after_rectification_starts()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 1.0, 2.0, -1.0, 0.5, 0.3, -0.7 }, [3, 2], ScalarType.Float64);
        var y = tensor(new[] { 0.5, -1.0, 1.5, 0.2, -0.4, 0.9 }, [3, 2], ScalarType.Float64);
        var w = new TorchSharp.Modules.Parameter(tensor(new[] { 0.5, -0.3, 0.8, 0.1 }, [2, 2], ScalarType.Float64));
        var b = new TorchSharp.Modules.Parameter(tensor(new[] { 0.1, -0.2 }, ScalarType.Float64));
        using var optimizer = optim.RAdam([w, b], 0.05, 0.9, 0.999, 1e-8, 0.01);
        for (var step = 1; step <= 10; step++)
        {
            optimizer.zero_grad();
            using (var stepScope = NewDisposeScope()) (x.matmul(w.t()) + b - y).square().mean().backward();
            optimizer.step();
        }
        Assert.True(Math.Abs(w.detach()[0, 0].item<double>() - Expected["RAdam:10"][0]) > 1e-3);
    }

    [Fact]
    public void Learning_rate_is_set_on_every_group()
    {
        using var p = new TorchSharp.Modules.Parameter(zeros(2));
        using var optimizer = OptimizerFactory.Create(OptimizerKind.Adam, [p], new OptimizerSettings { LearningRate = 0.3 });
        Assert.Equal(0.3, OptimizerFactory.LearningRate(optimizer));
        OptimizerFactory.SetLearningRate(optimizer, 0.07);
        Assert.All(optimizer.ParamGroups, g => Assert.Equal(0.07, g.LearningRate));
    }

    [Fact]
    public void Nesterov_with_dampening_is_refused_with_a_message()
    {
        using var p = new TorchSharp.Modules.Parameter(zeros(2));
        var error = Assert.Throws<ArgumentException>(() => OptimizerFactory.Create(OptimizerKind.Nesterov, [p], new OptimizerSettings { Dampening = 0.1 }));
        Assert.Contains("dampening", error.Message);
    }
}
