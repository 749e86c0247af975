using Declarative.Runtime.Experiments;
using Declarative.Runtime.Experiments.Specs;

namespace Declarative.Generators.Tests;

/// <summary>
/// The spec the generated <c>SpecFor</c> fills: typed kinds, enum arguments read by member name, and every default the
/// declaration leaves out taken from the DSL's <c>Default*</c> constants (stated once, there).
/// </summary>
public sealed class ComponentSpecTests
{
    private static TrialSpec Spec(string attributes, string parameters = "[Values(0.1)] double LearningRate")
    {
        var source = $$"""
            using Declarative;
            namespace T;
            [Experiment]
            {{attributes}}
            public partial record E({{parameters}});
            """;
        var assembly = GeneratorHarness.Load(GeneratorHarness.Run(source));
        var definition = (IExperimentDefinition)Activator.CreateInstance(assembly.GetType("T.E+Definition")!)!;
        var trial = definition.Trials(Budget.Full)[0];
        return (TrialSpec)assembly.GetType("T.E")!.GetMethod("SpecFor")!.Invoke(null, [trial])!;
    }

    [Fact]
    public void Without_components_the_spec_holds_the_DSL_defaults()
    {
        var spec = Spec("", "[Values(32)] int BatchSize");

        Assert.Equal(DataSetKind.FashionMnist, spec.Data.Kind);
        Assert.Equal(ModelKind.Mlp, spec.Model.Kind);
        Assert.Equal(Enumerable.Repeat(MlpAttribute.DefaultHiddenWidth, MlpAttribute.DefaultHiddenLayers), spec.Model.Sizes);
        Assert.Equal(ModelAttribute.DefaultWidth, spec.Model.Width);
        Assert.Equal(ModelAttribute.DefaultGhostBatchSize, spec.Model.GhostBatchSize);
        Assert.Equal(OptimizerKind.Sgd, spec.Optimizer.Kind);
        Assert.Equal(SgdAttribute.DefaultLearningRate, spec.Optimizer.LearningRate);
        Assert.Equal(AdamAttribute.DefaultBeta2, spec.Optimizer.Beta2);
        Assert.Equal(ExperimentAttribute.DefaultDevice, spec.Device);
        Assert.Equal(ExperimentAttribute.DefaultSeeds, spec.Settings.Seeds);
        Assert.Equal(ExperimentAttribute.DefaultEpochs, spec.Settings.Epochs);
    }

    [Fact]
    public void A_data_sets_own_defaults_are_written_into_its_spec()
    {
        var spec = Spec("[TeacherStudent(Classes = 4), Mlp(16)]");

        Assert.Equal(DataSetKind.TeacherStudent, spec.Data.Kind);
        Assert.Equal(4, spec.Data.Classes);
        Assert.Equal(TeacherStudentAttribute.DefaultDimensions, spec.Data.Dimensions); // 100, not the Gaussian mixture's 64
        Assert.Equal(TeacherStudentAttribute.DefaultTeacherWidth, spec.Data.TeacherWidth);
        Assert.Equal(TeacherStudentAttribute.DefaultTrain, spec.Data.Train);

        Assert.Equal(QuadraticTargetAttribute.DefaultDimensions, Spec("[QuadraticTarget, Mlp(16), Track(Instruments.TestLoss, AtEnd = true)]").Data.Dimensions);
    }

    [Fact]
    public void Optimizer_kinds_and_their_defaults_come_from_the_attribute()
    {
        var adamW = Spec("[Adam(Kind = OptimizerKind.AdamW)]", "[Values(32)] int BatchSize").Optimizer;
        Assert.Equal(OptimizerKind.AdamW, adamW.Kind);
        Assert.Equal(AdamAttribute.DefaultLearningRate, adamW.LearningRate);
        Assert.Equal(AdamAttribute.DefaultAdamWWeightDecay, adamW.WeightDecay);
        Assert.Equal(AdamAttribute.DefaultEpsilon, adamW.Epsilon);

        var adam = Spec("[Adam]").Optimizer;
        Assert.Equal(AdamAttribute.DefaultKind, adam.Kind);
        Assert.Equal(0, adam.WeightDecay);
        Assert.Equal(OptimizerAttribute.DefaultBatchSize, adam.BatchSize);

        Assert.Equal(OptimizerKind.Nesterov, Spec("[Sgd(Momentum = 0.9, Nesterov = true)]").Optimizer.Kind);
        Assert.Equal(OptimizerKind.Momentum, Spec("[Sgd(Momentum = 0.9)]").Optimizer.Kind);

        var any = Spec("[AnyOptimizer]", "[Values(OptimizerKind.Nesterov, OptimizerKind.RAdam)] OptimizerKind Optimizer").Optimizer;
        Assert.Equal(OptimizerKind.Nesterov, any.Kind);
        Assert.Equal(AnyOptimizerAttribute.DefaultMomentum, any.Momentum);
        Assert.Equal(AnyOptimizerAttribute.DefaultLearningRate, any.LearningRate);
    }

    [Fact]
    public void Models_schedules_and_regime_read_enum_members_by_name_and_DSL_defaults()
    {
        var resNet = Spec("[Cifar10(Folder = \"/nowhere\"), ResNet]");
        Assert.Equal(DataSetKind.Cifar10, resNet.Data.Kind);
        Assert.Equal(ModelKind.ResNet, resNet.Model.Kind);
        Assert.Equal(Normalization.BatchNorm, resNet.Model.Normalization);
        Assert.Equal(ResNetAttribute.DefaultBlocks, resNet.Model.Blocks);

        Assert.Equal(Normalization.GhostBatchNorm, Spec("[Mlp(8, Normalization = Normalization.GhostBatchNorm)]").Model.Normalization);

        var scheduled = Spec("[LearningRateSchedule(ScheduleKind.Cosine), BatchSizeSchedule(ScheduleKind.Step, Period = 2), RegimeAdaptation]");
        Assert.Equal(ScheduleKind.Cosine, scheduled.LearningRateSchedule!.Kind);
        Assert.Equal(LearningRateScheduleAttribute.DefaultFactor, scheduled.LearningRateSchedule.Factor);
        Assert.Equal(ScheduleKind.Step, scheduled.BatchSizeSchedule!.Kind);
        Assert.Equal(BatchSizeScheduleAttribute.DefaultFactor, scheduled.BatchSizeSchedule.Factor);
        Assert.Equal(RegimeAdaptationAttribute.DefaultBaseBatchSize, scheduled.RegimeBaseBatchSize);
    }

    [Theory]
    [InlineData("Adaptation.None", 0, false, false)]
    [InlineData("Adaptation.MoreUpdates", 64, true, false)]
    [InlineData("Adaptation.ScaledLearningRate", 64, false, true)]
    [InlineData("Adaptation.Full", 64, false, false)]
    public void Regime_adaptation_splits_into_its_parts_by_an_Adaptation_member(string value, int baseBatchSize, bool keepsLearningRate, bool keepsEpochs)
    {
        var spec = Spec("[RegimeAdaptation(BaseBatchSize = 64)]", $"[Values({value})] Adaptation RegimeAdaptation");

        Assert.Equal(baseBatchSize, spec.RegimeBaseBatchSize);
        Assert.Equal(keepsLearningRate, spec.RegimeKeepsLearningRate);
        Assert.Equal(keepsEpochs, spec.RegimeKeepsEpochs);
    }

    [Fact]
    public void A_bool_regime_switch_is_both_parts_or_none()
    {
        var on = Spec("[RegimeAdaptation(BaseBatchSize = 64)]", "[Values(true)] bool RegimeAdaptation");
        Assert.Equal((64, false, false), (on.RegimeBaseBatchSize, on.RegimeKeepsLearningRate, on.RegimeKeepsEpochs));
        Assert.Equal(0, Spec("[RegimeAdaptation(BaseBatchSize = 64)]", "[Values(false)] bool RegimeAdaptation").RegimeBaseBatchSize);
    }

    [Fact]
    public void A_regime_switch_of_another_type_is_a_diagnostic_on_the_member()
    {
        var result = GeneratorHarness.Run("""
            using Declarative;
            namespace T;
            [Experiment]
            [RegimeAdaptation]
            public partial record E([Values(1, 2)] int RegimeAdaptation);
            """);
        var diagnostic = Assert.Single(result.GeneratorDiagnostics, d => d.GetMessage().Contains("RegimeAdaptation", StringComparison.Ordinal));
        Assert.Contains("bool or Declarative.Adaptation", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ScheduleKind.Step", true)]
    [InlineData("ScheduleKind.Cyclical", true)]
    [InlineData("ScheduleKind.Cosine", false)]
    [InlineData("ScheduleKind.Constant", false)]
    public void A_schedule_that_needs_a_period_is_found_by_its_member_name(string kind, bool needsPeriod)
    {
        var result = GeneratorHarness.Run($$"""
            using Declarative;
            namespace T;
            [Experiment]
            [LearningRateSchedule({{kind}})]
            public partial record E([Values(0.1)] double LearningRate);
            """);
        Assert.Equal(needsPeriod, result.GeneratorDiagnostics.Any(d => d.GetMessage().Contains("Period", StringComparison.Ordinal)));
    }
}
