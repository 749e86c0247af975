using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Declarative.Benchmarks.Training;

/// <summary>The benchmark's markdown: each figure beside its target, the command and the load.</summary>
internal static class Report
{
    public static string Markdown(Options o, List<JsonElement> results, List<JsonElement> profile, string command, string loadBefore, string loadAfter)
    {
        var s = new StringBuilder();
        s.AppendLine("# Training speed: generated loop vs hand-written TorchSharp vs PyTorch");
        s.AppendLine();
        s.AppendLine("Written by the benchmark command below; do not edit the figures by hand. The section *Notes* at the");
        s.AppendLine("end is prose that the command keeps from the previous version of this file.");
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine($"- Date (UTC): {DateTime.UtcNow:yyyy-MM-dd HH:mm}; machine: {Environment.ProcessorCount} cores, {Cpu()}");
        s.AppendLine($"- Load average (1, 5, 15 min) before: `{loadBefore}`; after: `{loadAfter}`. The machine was shared: absolute times are noisy, ratios were measured side by side (engines interleaved within each repeat).");
        s.AppendLine($"- {o.Threads} threads per engine; {o.Repeats} processes per engine and batch size, {o.Epochs} epochs each, the first epoch of each process discarded as warm-up; medians over the rest.");
        s.AppendLine("- Model: 784-256-256-10 ReLU MLP, plain SGD (lr 0.01), all 60 000 Fashion-MNIST training images, one shuffle per epoch, last partial batch dropped. *generated* is the path the generated `Run` takes (TrialSetup + ClassificationLoop on the engine TrainingEngines chooses: for a plain MLP the one-member `StackedMlpEngine`, a hand-written forward/backward with the SGD update fused into the weight-gradient products, batches gathered per step, LossIsFinite every step); *before* is the loop as it was at commit fdad943 (autograd, TorchSharp's per-parameter SGD, a loss read-back every step, the epoch copied in shuffled order), replayed by the benchmark; *hand-written* is a plain TorchSharp loop as a user would write it (nn.Sequential, optim.SGD, autograd, a dispose scope per step); *PyTorch* is benchmarks/pytorch/mlp_epoch.py under /usr/bin/python3 (Debian python3-torch, OpenBLAS), the same loop in eager PyTorch.");
        s.AppendLine("- Floor: the step's eight matrix products alone (3 forward, 5 backward), into preallocated outputs, timed over an epoch's steps in the same run (`engine gemm`).");
        s.AppendLine();

        s.AppendLine("## Epoch time (seconds, medians)");
        s.AppendLine();
        s.AppendLine("| batch | generated | before (fdad943 loop) | hand-written | PyTorch | floor (GEMM rate) | generated / PyTorch (target ≤ 0.8) | generated / hand-written (target ≤ 1.02) | generated / floor (target ≤ 1.3 at 128) | before / PyTorch |");
        s.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b));
            var h = Median(Epochs(results, "handwritten", b));
            var before = Median(Epochs(results, "before", b));
            var p = Median(Epochs(results, "pytorch", b));
            var f = Median(Epochs(results, "gemm", b));
            var gflops = Median(Epochs(results, "gemm", b, "gflops"));
            s.AppendLine($"| {b} | {F(g)} | {F(before)} | {F(h)} | {F(p)} | {F(f)} ({F(gflops, "0.0")} GFLOP/s) | {Verdict(g / p, 0.8)} | {Verdict(g / h, 1.02)} | {(b == 128 ? Verdict(g / f, 1.3) : F(g / f, "0.00"))} | {F(before / p, "0.00")} |");
        }
        s.AppendLine();

        s.AppendLine($"## Packed trials ({o.Seeds} seeds at batch 32, one epoch each)");
        s.AppendLine();
        var (inProcess, throughRunner) = PackingRatios(results);
        s.AppendLine("| | trials per hour | seconds for the set | peak RSS (MB) |");
        s.AppendLine("|---|---|---|---|");
        foreach (var (engine, label) in new[]
                 {
                     ("unpacked", "in one process, one trial after another (generated path)"),
                     ("packed", "in one process, one stacked model (StackedMlpEngine with K members)"),
                     ("runner-unpacked", $"through the runner, `--no-pack` (a worker process per trial, {Parallel(results)} workers × 1 thread)"),
                     ("runner-packed", $"through the runner, packing on (default; the {o.Seeds} seeds are one pack, fixed by the declaration, so one worker × 1 thread trains them while the other {Parallel(results)} − 1 cores idle)"),
                 })
            s.AppendLine($"| {label} | {F(Median(Values(results, engine, "trials_per_hour")), "0")} | {F(Median(Values(results, engine, "seconds")))} | {(engine.StartsWith("runner", StringComparison.Ordinal) ? "n/a" : F(Median(Values(results, engine, "peak_rss_mb")), "0"))} |");
        var packedGemm = Median(Epochs(results, "packed-gemm", 32));
        s.AppendLine();
        s.AppendLine($"Packed / unpacked: in one process {Verdict(inProcess, 3, atLeast: true)}; through the runner {Verdict(throughRunner, 3, atLeast: true)} (target ≥ 3). " +
            $"Floor of the packed set: its matrix products as batched products (`engine packed-gemm`) take {F(packedGemm)} s per epoch for {o.Seeds} members ({F(Median(Epochs(results, "packed-gemm", 32, "gflops")), "0.0")} GFLOP/s, against {F(Median(Epochs(results, "gemm", 32, "gflops")), "0.0")} GFLOP/s for one member's products), so in one process packing can reach at most " +
            $"{F(Median(Values(results, "unpacked", "seconds")) / packedGemm, "0.00")}x here.");
        s.AppendLine();

        s.AppendLine("## Peak resident memory of one trial (MB, VmHWM / ru_maxrss, each engine in its own process)");
        s.AppendLine();
        s.AppendLine("| batch | generated | before | hand-written | PyTorch | generated / PyTorch (target ≤ 1) |");
        s.AppendLine("|---|---|---|---|---|---|");
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b, "peak_rss_mb", all: true, last: true));
            var h = Median(Epochs(results, "handwritten", b, "peak_rss_mb", all: true, last: true));
            var before = Median(Epochs(results, "before", b, "peak_rss_mb", all: true, last: true));
            var p = Median(Epochs(results, "pytorch", b, "peak_rss_mb", all: true, last: true));
            s.AppendLine($"| {b} | {F(g, "0")} | {F(before, "0")} | {F(h, "0")} | {F(p, "0")} | {Verdict(g / p, 1)} |");
        }
        s.AppendLine();

        s.AppendLine("## Per-step profile of the generated step (ms per step, one process, one epoch after one of warm-up)");
        s.AppendLine();
        s.AppendLine("| batch | " + string.Join(" | ", StepProfile.GroupNames) + " | step | GEMM share |");
        s.AppendLine("|---|" + string.Concat(StepProfile.GroupNames.Select(_ => "---|")) + "---|---|");
        foreach (var p in profile)
        {
            var values = StepProfile.GroupNames.Select(g => p.GetProperty(g).GetDouble()).ToArray();
            var gemm = p.GetProperty("forward GEMM").GetDouble() + p.GetProperty("weight GEMM + update").GetDouble() + p.GetProperty("upstream GEMM").GetDouble();
            var step = p.GetProperty("step_ms").GetDouble();
            s.AppendLine($"| {p.GetProperty("batch").GetInt32()} | {string.Join(" | ", values.Select(v => F(v, "0.000")))} | {F(step, "0.000")} | {F(gemm / step * 100, "0")} % |");
        }
        s.AppendLine();
        s.AppendLine("## Raw epoch times (seconds, every measured epoch)");
        s.AppendLine();
        foreach (var b in o.Batches)
            foreach (var e in new[] { "generated", "generated-bn", "before", "handwritten", "pytorch", "gemm" }.Where(e => e != "generated-bn" || b == 128))
                s.AppendLine($"- batch {b}, {e}: {string.Join(", ", Epochs(results, e, b).Select(v => F(v)))}");
        foreach (var e in new[] { "unpacked", "packed", "runner-unpacked", "runner-packed" })
            s.AppendLine($"- {o.Seeds} seeds, {e}: {string.Join(", ", Values(results, e, "seconds").Select(v => F(v)))} s");
        s.AppendLine();
        s.AppendLine("## Notes");
        s.AppendLine();
        s.AppendLine(Notes);
        return s.ToString();
    }

    public const string SummaryBegin = "<!-- training-speed:begin (written by benchmarks/Declarative.Benchmarks.Training) -->";
    public const string SummaryEnd = "<!-- training-speed:end -->";

    /// <summary>The table for docs/benchmarks.md: every target of the training-speed work beside this run's figure.</summary>
    public static string Summary(Options o, List<JsonElement> results, string command, string loadBefore, string loadAfter)
    {
        var s = new StringBuilder();
        s.AppendLine();
        s.AppendLine("```");
        s.AppendLine(command);
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine($"One run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores ({Cpu()}), {o.Threads} threads per engine, medians of {o.Repeats} processes × {o.Epochs - 1} measured epoch(s); load average before `{loadBefore}`, after `{loadAfter}`.");
        s.AppendLine();
        s.AppendLine("| figure | measured | target | verdict |");
        s.AppendLine("|---|---|---|---|");
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b));
            var p = Median(Epochs(results, "pytorch", b));
            s.AppendLine($"| generated / PyTorch epoch time, batch {b} | {F(g)} s / {F(p)} s = {F(g / p, "0.00")} | ≤ 0.8 | {Met(g / p <= 0.8)} |");
        }
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b));
            var h = Median(Epochs(results, "handwritten", b));
            s.AppendLine($"| generated / hand-written TorchSharp, batch {b} | {F(g)} s / {F(h)} s = {F(g / h, "0.00")} | ≤ 1.02 | {Met(g / h <= 1.02)} |");
        }
        {
            var g = Median(Epochs(results, "generated", 128));
            var f = Median(Epochs(results, "gemm", 128));
            // The same ratio as issue 16's row for batch 128: its verdict from the rounds paired in one process when the run has them.
            s.AppendLine($"| generated / arithmetic floor, batch 128 | {PairedRatio(results, "paired", 128, out var paired)}{F(g)} s / {F(f)} s = {F(g / f, "0.00")} in separate processes | ≤ 1.3 | {Met((double.IsNaN(paired) ? g / f : paired) <= 1.3)} |");
        }
        var (inProcess, throughRunner) = PackingRatios(results);
        s.AppendLine($"| packed / unpacked trials per hour, {o.Seeds} seeds at batch 32, in one process | {F(inProcess, "0.00")} | ≥ 3 | {Met(inProcess >= 3)} |");
        s.AppendLine($"| the same through the runner (`run` vs `run --no-pack`, worker start-up included) | {F(throughRunner, "0.00")} | ≥ 3 | {Met(throughRunner >= 3)} |");
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b, "peak_rss_mb", all: true, last: true));
            var p = Median(Epochs(results, "pytorch", b, "peak_rss_mb", all: true, last: true));
            s.AppendLine($"| peak RSS of one trial / PyTorch's, batch {b} | {F(g, "0")} MB / {F(p, "0")} MB = {F(g / p, "0.00")} | ≤ 1 | {Met(g / p <= 1)} |");
        }
        // Issue 16 (one engine): the step against the arithmetic floor measured in this run, paired per round in one process
        // when the run has the paired engines (the verdict), beside the ratio of the separate processes' medians.
        foreach (var b in o.Batches)
        {
            var g = Median(Epochs(results, "generated", b));
            var f = Median(Epochs(results, "gemm", b));
            s.AppendLine($"| generated step / matrix-product floor, batch {b} (issue 16) | {PairedRatio(results, "paired", b, out var paired)}{F(g)} s / {F(f)} s = {F(g / f, "0.00")} in separate processes | ≤ 1.25 | {Met((double.IsNaN(paired) ? g / f : paired) <= 1.25)} |");
        }
        {
            var packed = Median(Values(results, "packed", "seconds"));
            var floor = Median(Epochs(results, "packed-gemm", 32));
            s.AppendLine($"| packed set of {o.Seeds} seeds at batch 32 / its batched-product floor (issue 16) | {PairedRatio(results, "paired-packed", 32, out var pairedPack)}{F(packed)} s (one epoch, set-up included) / {F(floor)} s = {F(packed / floor, "0.00")} in separate processes | ≤ 1.15 | {Met((double.IsNaN(pairedPack) ? packed / floor : pairedPack) <= 1.15)} |");
            var bn = Median(Epochs(results, "generated-bn", 128));
            var f = Median(Epochs(results, "gemm", 128));
            s.AppendLine($"| batch-norm MLP with momentum 0.9, batch 128 / the floor at 128 (issue 16) | {PairedRatio(results, "paired-bn", 128, out var paired)}{F(bn)} s / {F(f)} s = {F(bn / f, "0.00")} in separate processes | ≤ 1.5 | {Met((double.IsNaN(paired) ? bn / f : paired) <= 1.5)} |");
        }
        s.AppendLine();
        return s.ToString();
    }

    /// <summary>The median step/floor ratio of a paired engine's rounds after the first, described with its range (empty and NaN without them).</summary>
    private static string PairedRatio(List<JsonElement> results, string engine, int batch, out double median)
    {
        var ratios = results.Where(r => r.GetProperty("engine").GetString() == engine && r.GetProperty("batch").GetInt32() == batch && r.GetProperty("round").GetInt32() > 0)
            .Select(r => r.GetProperty("ratio").GetDouble()).ToArray();
        median = Median(ratios);
        return ratios.Length == 0 ? "" : $"**{F(median, "0.00")}** paired, median of {ratios.Length} rounds ({F(ratios.Min(), "0.00")}-{F(ratios.Max(), "0.00")}); ";
    }

    private static (double InProcess, double ThroughRunner) PackingRatios(List<JsonElement> results) =>
        (Median(Values(results, "packed", "trials_per_hour")) / Median(Values(results, "unpacked", "trials_per_hour")),
         Median(Values(results, "runner-packed", "trials_per_hour")) / Median(Values(results, "runner-unpacked", "trials_per_hour")));

    private static string Parallel(List<JsonElement> results) =>
        results.FirstOrDefault(r => r.GetProperty("engine").GetString() == "runner-packed") is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("parallel", out var p) ? p.GetInt32().ToString(CultureInfo.InvariantCulture) : "n/a";

    private static string Met(bool met) => met ? "met" : "**missed**";

    /// <summary>The prose under "## Notes", kept from the previous report at the output path so that a re-run keeps it.</summary>
    public static string Notes { get; set; } = "(none)";

    public static void KeepNotesFrom(string path)
    {
        if (!File.Exists(path)) return;
        var text = File.ReadAllText(path);
        var at = text.IndexOf("\n## Notes\n", StringComparison.Ordinal);
        if (at >= 0) Notes = text[(at + "\n## Notes\n".Length)..].Trim();
    }

    private static IEnumerable<double> Epochs(List<JsonElement> results, string engine, int batch, string field = "seconds", bool all = false, bool last = false)
    {
        var rows = results.Where(r => r.GetProperty("engine").GetString() == engine && r.GetProperty("batch").GetInt32() == batch).ToList();
        if (last)
        {
            // One value per process: the peak after its last epoch (epoch numbers restart at 0 in each process).
            var perProcess = new List<double>();
            for (var i = 0; i < rows.Count; i++)
                if (i == rows.Count - 1 || rows[i + 1].GetProperty("epoch").GetInt32() == 0) perProcess.Add(rows[i].GetProperty(field).GetDouble());
            return perProcess;
        }
        return rows.Where(r => all || r.GetProperty("epoch").GetInt32() > 0).Select(r => r.GetProperty(field).GetDouble());
    }

    private static IEnumerable<double> Values(List<JsonElement> results, string engine, string field) =>
        results.Where(r => r.GetProperty("engine").GetString() == engine).Select(r => r.GetProperty(field).GetDouble());

    private static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    private static string F(double v, string format = "0.000") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    private static string Verdict(double ratio, double target, bool atLeast = false) =>
        double.IsNaN(ratio) ? "n/a" : $"{F(ratio, "0.00")} {((atLeast ? ratio >= target : ratio <= target) ? "met" : "**missed**")}";

    private static string Cpu()
    {
        foreach (var line in File.ReadLines("/proc/cpuinfo"))
            if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        return "unknown CPU";
    }
}
