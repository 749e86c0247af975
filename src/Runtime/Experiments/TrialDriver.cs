using Declarative.Runtime.Experiments.Specs;
using Declarative.Runtime.Instruments;
using Declarative.Runtime.Training;

namespace Declarative.Runtime.Experiments;

/// <summary>
/// The per-trial routine, written once for one trial or a pack of K: builds the trials' <see cref="TrialSetup"/>
/// (the engine <see cref="TrainingEngines"/> chooses), saves each member's initial weights, and after every update,
/// for each member still training: measures its due instruments into its own sink, reports progress, saves declared
/// checkpoints, and stops it as diverged at the step whose loss first went non-finite (the other members go on). Under a
/// target budget (<see cref="ExperimentSettings.Target"/>) it checks the target at each epoch end before measuring, and a
/// member that reached it stops there: that step is its last, so its <c>AtEnd</c> instruments are measured on those weights.
/// Cancellation is checked once per step. The generated <c>Run</c> is a call to <see cref="Run(IReadOnlyList{TrialSpec}, IReadOnlyList{TrialContext}, Func{long, bool, bool, bool}, Func{int, InstrumentContext, IMetricCollector}?, int)"/>.
/// </summary>
public static class TrialDriver
{
    /// <summary>
    /// Trains the trials of <paramref name="specs"/> together, member k writing its rows to <paramref name="contexts"/>[k]'s
    /// sink; one outcome per trial, in order.
    /// </summary>
    /// <param name="specs">One trial, or trials that pack.</param>
    /// <param name="contexts">One context per trial (the first's device and data catalogue serve all).</param>
    /// <param name="isDue">Whether any instrument is due after a step: (step, isEpochEnd, isLast).</param>
    /// <param name="collectors">Builds member k's instruments over its instrument context (null: no instruments).</param>
    /// <param name="checkpointEvery">Save each member's weights every this many steps (0: only initial and final).</param>
    public static IReadOnlyList<TrialOutcome> Run(IReadOnlyList<TrialSpec> specs, IReadOnlyList<TrialContext> contexts,
        Func<long, bool, bool, bool> isDue, Func<int, InstrumentContext, IMetricCollector>? collectors, int checkpointEvery = 0)
    {
        if (contexts.Count != specs.Count) throw new ArgumentException($"{contexts.Count} contexts for {specs.Count} trials: one per trial.", nameof(contexts));
        using var setup = TrialSetup.Create(specs, contexts[0]);
        var members = new IMetricCollector?[specs.Count];
        try
        {
            for (var m = 0; m < members.Length && collectors is not null; m++) members[m] = collectors(m, setup.MemberInstruments[m]);
            return Train(setup, specs.Select(s => s.Settings.Target).ToArray(), contexts, isDue, members, checkpointEvery);
        }
        finally
        {
            foreach (var c in members) c?.Dispose();
        }
    }

    /// <summary>Trains the trials of <paramref name="specs"/> together without instruments (benchmarks, tests); one outcome per trial.</summary>
    public static IReadOnlyList<TrialOutcome> Run(IReadOnlyList<TrialSpec> specs, TrialContext context) =>
        Run(specs, specs.Select(_ => context).ToArray(), static (_, _, _) => false, null);

    private static IReadOnlyList<TrialOutcome> Train(TrialSetup setup, IReadOnlyList<TrainingTarget?> targets, IReadOnlyList<TrialContext> contexts, Func<long, bool, bool, bool> isDue,
        IMetricCollector?[] collectors, int checkpointEvery)
    {
        var loop = setup.Loop;
        var outcomes = new TrialOutcome?[contexts.Count];
        for (var m = 0; m < contexts.Count; m++)
        {
            contexts[m].Weights?.Save(loop.Member(m).Model, "initial", 0);
            loop.StateOf(m).StopsAtTarget = targets[m] is not null;
        }
        while (loop.Next())
        {
            var first = loop.State;
            var step = first.Step;
            var dueBeforeStop = isDue(step, first.IsEpochEnd, step == first.TotalSteps);
            for (var m = 0; m < outcomes.Length; m++)
            {
                if (outcomes[m] is not null) continue;
                var context = contexts[m];
                var state = loop.StateOf(m);
                // The target is checked first: a member that reaches it stops here, and this step is its last for its instruments.
                if (targets[m] is { } target && state.IsEpochEnd && !state.IsLast)
                    state.ReachedTarget = target.IsMetBy(target.Measure(setup.MemberInstruments[m], step));
                var due = state.ReachedTarget ? isDue(step, state.IsEpochEnd, true) : dueBeforeStop;
                if (due && collectors[m] is { } collector) context.Sink.Write(collector.Measure(loop.Member(m)));
                context.OnStep?.Invoke(step, first.TotalSteps);
                if (checkpointEvery > 0 && step % checkpointEvery == 0 && context.Weights is { } weights)
                    weights.Save(loop.Member(m).Model, Weights.TrialWeights.Checkpoint(step), step);
                if (!loop.LossIsFinite(m, out var loss))
                {
                    outcomes[m] = TrialOutcome.Diverged(loop.DivergedAt(m) ?? step, loss) with { Epochs = state.Epoch + 1, ReachedTarget = targets[m] is null ? null : false };
                    context.Weights?.Save(loop.Member(m).Model, "final", step);
                }
                else if (state.IsLast)
                {
                    outcomes[m] = TrialOutcome.Done(step) with { Epochs = state.Epoch + 1, ReachedTarget = targets[m] is null ? null : state.ReachedTarget };
                    context.Weights?.Save(loop.Member(m).Model, "final", step);
                }
            }
            // The step's measurements are done: free the gradient graphs the full-batch instruments shared.
            setup.Pack.EndStep();
            if (outcomes.All(o => o is not null)) break;
            foreach (var c in contexts) c.Cancellation.ThrowIfCancellationRequested();
        }
        // A budget of no steps (the loop made none).
        for (var m = 0; m < outcomes.Length; m++)
        {
            if (outcomes[m] is not null) continue;
            outcomes[m] = TrialOutcome.Done(loop.State.Step) with { ReachedTarget = targets[m] is null ? null : false };
            contexts[m].Weights?.Save(loop.Member(m).Model, "final", loop.State.Step);
        }
        return outcomes.Select(o => o!).ToArray();
    }
}
