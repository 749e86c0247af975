namespace Declarative.Runtime.Store;

/// <summary>
/// The store's long-format view <c>long_metrics</c>: one row per (trial, step, scalar metric) over every experiment, with
/// the trial's experiment, id, budget, seed, parameters (a JSON list of [name, value] pairs) and status, for analysis
/// outside Declarative (docs/analysis.md). Vector metrics stay in the wide <c>metrics_&lt;Experiment&gt;</c> tables.
/// Both stores rebuild it whenever an experiment's table changes; its SQL is the same in SQLite and PostgreSQL.
/// </summary>
internal static class LongMetricsView
{
    public const string Name = "long_metrics";

    /// <summary>The statements that replace the view, for the experiments' scalar columns; one statement when there is none.</summary>
    public static IReadOnlyList<string> Statements(IEnumerable<(string Experiment, IReadOnlyList<string> ScalarColumns)> tables, Func<string, string> quote)
    {
        var selects = new List<string>();
        foreach (var (experiment, columns) in tables.OrderBy(t => t.Experiment, StringComparer.Ordinal))
            foreach (var column in columns)
                selects.Add(
                    $"SELECT t.experiment AS experiment, t.id AS trial, t.budget AS budget, t.seed AS seed, t.parameters AS parameters, t.status AS status, " +
                    $"m.step AS step, m.epoch AS epoch, '{column.Replace("'", "''")}' AS metric, m.{quote(column)} AS value " +
                    $"FROM {quote("metrics_" + experiment)} m JOIN trials t ON t.id = m.trial_id WHERE m.{quote(column)} IS NOT NULL");
        var drop = $"DROP VIEW IF EXISTS {Name}";
        if (selects.Count == 0) return [drop];
        return [drop, $"CREATE VIEW {Name} AS\n" + string.Join("\nUNION ALL\n", selects)];
    }
}
