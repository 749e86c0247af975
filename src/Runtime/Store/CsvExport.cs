using System.Globalization;
using System.Text;
using System.Text.Json;
using Declarative.Runtime.Experiments;

namespace Declarative.Runtime.Store;

/// <summary>
/// One experiment's metric rows as CSV (RFC 4180, invariant culture, round-trippable numbers), one line
/// per trial and sample: trial id, budget, status, seed, one column per sweep axis, step, epoch, then
/// the metric columns. Vector columns are JSON arrays in one quoted cell; empty cells are unsampled.
/// </summary>
public static class CsvExport
{
    public static int Write(IResultStore store, IExperimentDefinition experiment, TextWriter output)
    {
        var trials = store.Trials(experiment.Name).ToDictionary(t => t.Id);
        var header = new List<string> { "trial_id", "budget", "status", "seed" };
        header.AddRange(experiment.Axes);
        header.AddRange(["step", "epoch"]);
        header.AddRange(experiment.Schema.Columns.Select(c => c.Name));
        output.Write(string.Join(",", header.Select(Escape)));
        output.Write("\r\n");

        var count = 0;
        foreach (var row in store.Rows(experiment.Name, experiment.Schema))
        {
            trials.TryGetValue(row.TrialId, out var trial);
            var cells = new List<string> { row.TrialId, trial?.Budget ?? "", trial?.Status.ToString().ToLowerInvariant() ?? "", trial?.Seed.ToString(CultureInfo.InvariantCulture) ?? "" };
            cells.AddRange(experiment.Axes.Select(a => trial?.Parameter(a) ?? ""));
            cells.Add(row.Step.ToString(CultureInfo.InvariantCulture));
            cells.Add(row.Epoch.ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < experiment.Schema.Columns.Count; i++)
                cells.Add(experiment.Schema.Columns[i].IsVector
                    ? row.GetVector(i) is { } v ? JsonSerializer.Serialize(v.Select(x => double.IsFinite(x) ? x : (double?)null)) : ""
                    : row.GetValue(i) is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "");
            output.Write(string.Join(",", cells.Select(Escape)));
            output.Write("\r\n");
            count++;
        }
        return count;
    }

    private static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\r', '\n']) < 0 ? cell : "\"" + cell.Replace("\"", "\"\"") + "\"";
}
