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
        s.AppendLine("- Model: 784-256-256-10 ReLU MLP, plain SGD (lr 0.01), all 60 000 Fashion-MNIST training images, one shuffle per epoch, last partial batch dropped. *generated* is the path the generated `Run` takes (TrialSetup + ClassificationLoop + LossIsFinite every step); *before* is the same loop as it was at commit fdad943 (TorchSharp's per-parameter SGD, a loss read-back every step), replayed by the benchmark; *hand-written* is a plain TorchSharp loop (nn.Sequential, optim.SGD, a dispose scope per step); *PyTorch* is benchmarks/pytorch/mlp_epoch.py under /usr/bin/python3 (Debian python3-torch, OpenBLAS).");
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

        s.AppendLine("## Packed trials (8 seeds at batch 32, one epoch each)");
        s.AppendLine();
        var unpacked = Median(Values(results, "unpacked", "trials_per_hour"));
        var packed = Median(Values(results, "packed", "trials_per_hour"));
        s.AppendLine("| | trials per hour | seconds for the set | peak RSS (MB) |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine($"| unpacked (one after another) | {F(unpacked, "0")} | {F(Median(Values(results, "unpacked", "seconds")))} | {F(Median(Values(results, "unpacked", "peak_rss_mb")), "0")} |");
        s.AppendLine($"| packed (one stacked model) | {F(packed, "0")} | {F(Median(Values(results, "packed", "seconds")))} | {F(Median(Values(results, "packed", "peak_rss_mb")), "0")} |");
        s.AppendLine();
        s.AppendLine($"Packed / unpacked: {Verdict(packed / unpacked, 3, atLeast: true)} (target ≥ 3).");
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

        s.AppendLine("## Per-step profile of the trial's model and optimizer (ms per step, one process, after warm-up)");
        s.AppendLine();
        s.AppendLine("| batch | data | forward + loss | backward | optimizer | host sync (loss read-back) | sum | loop step |");
        s.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var p in profile)
            s.AppendLine($"| {p.GetProperty("batch").GetInt32()} | {F(p.GetProperty("data_ms").GetDouble(), "0.000")} | {F(p.GetProperty("forward_ms").GetDouble(), "0.000")} | {F(p.GetProperty("backward_ms").GetDouble(), "0.000")} | {F(p.GetProperty("optimizer_ms").GetDouble(), "0.000")} | {F(p.GetProperty("sync_ms").GetDouble(), "0.000")} | {F(p.GetProperty("phases_ms").GetDouble(), "0.000")} | {F(p.GetProperty("loop_step_ms").GetDouble(), "0.000")} |");
        s.AppendLine();
        s.AppendLine("## Raw epoch times (seconds, every measured epoch)");
        s.AppendLine();
        foreach (var b in o.Batches)
            foreach (var e in new[] { "generated", "before", "handwritten", "pytorch", "gemm" })
                s.AppendLine($"- batch {b}, {e}: {string.Join(", ", Epochs(results, e, b).Select(v => F(v)))}");
        s.AppendLine();
        s.AppendLine("## Notes");
        s.AppendLine();
        s.AppendLine(Notes);
        return s.ToString();
    }

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
